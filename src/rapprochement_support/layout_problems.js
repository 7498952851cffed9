// See widths.py: lists, in words, what is wrong with the charts inside a CSS selector.
((scope) => {
  const T = 2, MIN_EXPLORER_PLOT = 230;
  const rect = (el) => { const r = el.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom, w: r.width, h: r.height}; };
  const meets = (a, b) => a.w > 0 && a.h > 0 && b.w > 0 && b.h > 0 &&
    Math.min(a.r, b.r) - Math.max(a.l, b.l) > T && Math.min(a.b, b.b) - Math.max(a.t, b.t) > T;
  const out = [];
  // a chart inside the box, or (JupyterLab's plotly renderer) the box itself
  document.querySelectorAll(`${scope} .js-plotly-plot, ${scope}.js-plotly-plot`).forEach((gd, i) => {
    const svg = gd.querySelector('.main-svg');
    const box = gd.closest(scope);
    const fl = gd._fullLayout;
    if (!svg || !box || !fl || !gd.offsetParent) return;
    const name = `chart ${i} (${(fl.meta && fl.meta.title) || ''})`.slice(0, 60) + ')';
    const s = rect(svg), o = rect(box), g = rect(gd);
    if (s.r > o.r + T || s.l < o.l - T) {
      out.push(`${name}: ${Math.round(s.w)} px wide in a ${Math.round(o.w)} px box`
        + ` (drawn at ${fl.width} px, its own box ${gd.clientWidth} px)`);
      return;
    }
    if (!(fl.width && Math.abs(fl.width - gd.clientWidth) <= T) && !(gd.layout || {}).width) {
      out.push(`${name}: drawn ${Math.round(fl.width)} px wide in a ${gd.clientWidth} px box`);
    }
    const cut = [...svg.parentElement.querySelectorAll('svg text')]
      .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
      .filter(t => { const r = rect(t); return r.r > s.r + T || r.l < s.l - T; })
      .map(t => t.textContent.trim().slice(0, 30));
    if (cut.length) out.push(`${name}: text cut off at its edge: ${JSON.stringify(cut.slice(0, 3))}`);
    // the plot area: the main subplot's drag rectangle, or the map
    const areaEl = gd.querySelector('.draglayer .xy .nsewdrag, .draglayer .nsewdrag')
      || gd.querySelector('.geolayer .bglayer rect, .geo .bg rect');
    const size = fl._size;
    const area = areaEl ? rect(areaEl) : {l: g.l + size.l, t: g.t + size.t, r: g.l + size.l + size.w,
                                          b: g.t + size.t + size.h, w: size.w, h: size.h};
    // an explorer keeps a plot area of at least 240 px however many rows its legend takes
    // (explorers/widget.py); at 800 px one was once squeezed to 40 px under a wrapped legend
    if (gd.closest('.rapprochement-explorer') && area.h < MIN_EXPLORER_PLOT) {
      out.push(`${name}: the plot area is only ${Math.round(area.h)} px tall`);
    }
    const legendEl = gd.querySelector('.legend');
    const legend = legendEl && legendEl.querySelector('.traces') ? rect(legendEl.querySelector('.bg') || legendEl) : null;
    if (legend && meets(legend, area)) {
      out.push(`${name}: the legend covers the plot area (legend ${JSON.stringify(legend)}, plot ${JSON.stringify(area)})`);
    }
    const controls = [...gd.querySelectorAll(
        '.updatemenu-header-group, .updatemenu-button-group > .updatemenu-button, .slider-container .slider-group')]
      .filter(el => getComputedStyle(el).visibility !== 'hidden' && el.getBoundingClientRect().width > 0)
      .map(el => ({el, r: rect(el), what: el.classList.contains('slider-group') ? 'slider' : 'menu'}));
    controls.forEach((c, k) => {
      const label = c.el.textContent.trim().slice(0, 25);
      if (meets(c.r, area)) out.push(`${name}: ${c.what} "${label}" covers the plot area`);
      if (legend && meets(c.r, legend)) out.push(`${name}: ${c.what} "${label}" covers the legend`);
      controls.slice(k + 1).forEach(d => {
        if (meets(c.r, d.r) && !(c.el.contains(d.el) || d.el.contains(c.el)) &&
            c.el.parentElement !== d.el.parentElement) {
          out.push(`${name}: ${c.what} "${label}" overlaps ${d.what} "${d.el.textContent.trim().slice(0, 25)}"`);
        }
      });
    });
    const labels = [...gd.querySelectorAll('.annotation')]
      .map(a => ({r: rect(a.querySelector('.annotation-text-g') || a), text: a.textContent.trim()}))
      .filter(a => a.text && a.r.w > 0);
    labels.forEach((a, k) => labels.slice(k + 1).forEach(b => {
      if (meets(a.r, b.r)) out.push(`${name}: labels overlap: "${a.text.slice(0, 30)}" / "${b.text.slice(0, 30)}"`);
    }));
    [...controls.map(c => ({r: c.r, text: c.what + ' ' + c.el.textContent.trim().slice(0, 20)})),
     ...(legend ? [{r: legend, text: 'legend'}] : [])].forEach(c => labels.forEach(a => {
      if (meets(a.r, c.r)) out.push(`${name}: label "${a.text.slice(0, 30)}" overlaps ${c.text}`);
    }));
  });
  return out;
})
