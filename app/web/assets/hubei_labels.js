// Place names: where each label goes, so that none overlaps another or the map's controls.
// Shared, as one file, by the interactive map (served as an asset) and the server-drawn first
// view (app/web/first_view.py puts this file's text inline), so both put a name in the same place.
// A label is an element `.map-label` inside a zero-size anchor element at its point; its data
// attributes say what it names: data-area (km²), data-required ("1": always shown, moved until it
// fits), data-clearance (px kept free around a marker: the name goes beside it, never on it),
// data-min-zoom and data-unit (facility names: shown from that zoom, or in a drill-down into that unit,
// whose county names carry data-drill-parent).
(function () {
    "use strict";
    const COMPACT_BELOW_ZOOM = 7;  // smaller type for the prefectures' names (hubei_map.css .labels-compact)
    const PAD = 1;  // px of air between two labels' boxes (their halos may touch, never their type)
    //: What a label must never cover on the map: Leaflet's controls and the panels laid over the map.
    //: (The first view draws the breadcrumb, hover line and boundary note too, with the same CSS.)
    const OBSTACLES = ".leaflet-control, .breadcrumb, .legend.floating, #hover-info, #sources-note, " +
        ".highlight-note, #feature-detail, .first-view-info, .first-view-sources";
    //: Where Leaflet puts its controls, for the first view (no controls yet), relative to the map's
    //: box: the zoom buttons (top left), the scale (bottom left, at its widest) and the attribution
    //: (bottom right), measured in Chromium.
    const DEFAULT_CONTROLS = [
        {left: 10, top: 10, width: 34, height: 65},
        {left: 5, bottom: 5, width: 100, height: 19},
        {right: 0, bottom: 0, width: 67, height: 17}
    ];

    function overlap(a, b) {
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        return w > 0 && h > 0 ? w * h : 0;
    }

    // Overlap with what is taken, plus whatever lies outside the frame (0: the box is free).
    function cost(box, taken, frame) {
        let c = 0;
        for (let i = 0; i < taken.length; i++) { c += overlap(box, taken[i]); }
        const area = (box.right - box.left) * (box.bottom - box.top);
        return c + area - overlap(box, frame);
    }

    // Offsets (px) tried in order: a unit's name on its point, then nearby; a facility's beside its marker.
    function offsets(w, h, clearance) {
        if (clearance) {
            const sx = w / 2 + clearance, sy = h / 2 + clearance;
            return [[sx, 0], [-sx, 0], [0, -sy], [0, sy], [sx, -sy], [sx, sy], [-sx, -sy], [-sx, sy]];
        }
        const out = [[0, 0]];
        for (let s = 1; s <= 4; s++) {
            const dy = s * (h / 2 + 2), dx = s * (w / 3 + 2);
            out.push([0, -dy], [0, dy], [dx, 0], [-dx, 0], [dx, -dy], [-dx, -dy], [dx, dy], [-dx, dy]);
        }
        return out;
    }

    function boxAt(item, dx, dy) {
        const left = item.x + dx - item.w / 2 - PAD, top = item.y + dy - item.h / 2 - PAD;
        return {left: left, top: top, right: left + item.w + 2 * PAD, bottom: top + item.h + 2 * PAD};
    }

    // Places `items` ({el, x, y, w, h, area, required, clearance}; page px) clear of `obstacles`
    // and of each other inside `frame`. Required names go first, the smallest unit's first (a large
    // unit's name has room to move), and show wherever they are least in the way (unless the map's edge
    // cuts them); optional ones follow, the largest first, and are hidden where nothing fits. Sets each
    // element's transform and visibility.
    function place(items, obstacles, frame) {
        items.sort(function (a, b) {
            if (a.required !== b.required) { return a.required ? -1 : 1; }
            return a.required ? a.area - b.area : b.area - a.area;
        });
        const taken = obstacles.slice();
        items.forEach(function (item) {
            let best = null;
            const tries = offsets(item.w, item.h, item.clearance);
            for (let i = 0; i < tries.length; i++) {
                const box = boxAt(item, tries[i][0], tries[i][1]);
                const c = cost(box, taken, frame);
                if (best === null || c < best.cost) { best = {cost: c, dx: tries[i][0], dy: tries[i][1], box: box}; }
                if (c === 0) { break; }
            }
            // A required name shows even where it must overlap, but not cut by the map's edge (zoomed in).
            const area = (best.box.right - best.box.left) * (best.box.bottom - best.box.top);
            const shown = best.cost === 0 || (item.required && overlap(best.box, frame) >= area - 0.5);
            item.el.style.visibility = shown ? "" : "hidden";
            item.el.style.transform = "translate(" + Math.round(best.dx - item.w / 2) + "px," +
                Math.round(best.dy - item.h / 2) + "px)";
            if (shown) { taken.push(best.box); }
        });
    }

    function rect(r) { return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; }

    // The obstacles over `root` (a map's container, or the first view's map box): the controls
    // found in `scope`, or Leaflet's default places when there are none yet.
    function obstacles(root, scope) {
        const found = Array.from(scope.querySelectorAll(OBSTACLES)).map(function (el) {
            return rect(el.getBoundingClientRect());
        }).filter(function (r) { return r.right > r.left && r.bottom > r.top; });
        if (scope.querySelector(".leaflet-control")) { return found; }
        const f = root.getBoundingClientRect();
        return found.concat(DEFAULT_CONTROLS.map(function (c) {
            const top = c.top !== undefined ? f.top + c.top : f.bottom - c.bottom - c.height;
            const left = c.left !== undefined ? f.left + c.left : f.right - c.right - c.width;
            return {left: left, top: top, right: left + c.width, bottom: top + c.height};
        }));
    }

    // The facility markers shown under `root`: a name moves off them rather than hide one.
    function markers(root) {
        return Array.from(root.querySelectorAll(".facility-marker")).filter(function (el) {
            return el.offsetParent !== null;
        }).map(function (el) { return rect(el.getBoundingClientRect()); });
    }

    // Lays out every `.map-label` under `root`; `zoom` decides which facility names show.
    function layout(root, scope, zoom) {
        const items = [];
        root.classList.toggle("labels-compact", zoom < COMPACT_BELOW_ZOOM);  // a small screen's whole province
        const drilled = root.querySelector(".map-label[data-drill-parent]");  // a drill-down's names
        const focus = drilled ? drilled.dataset.drillParent : null;
        const hidden = [];  // hidden after the measuring: a style written between reads forces a relayout each
        root.querySelectorAll(".map-label").forEach(function (el) {
            const d = el.dataset;
            if (d.minZoom !== undefined && !(zoom >= Number(d.minZoom) || (focus && d.unit === focus))) {
                hidden.push(el);
                return;
            }
            if (el.offsetParent === null) { return; }  // its pane (layer) is hidden
            const a = el.parentElement.getBoundingClientRect();
            items.push({el: el, x: a.left + a.width / 2, y: a.top + a.height / 2, w: el.offsetWidth,
                        h: el.offsetHeight, area: Number(d.area || 0), required: d.required === "1",
                        clearance: Number(d.clearance || 0)});
        });
        hidden.forEach(function (el) { el.style.visibility = "hidden"; });
        place(items, obstacles(root, scope).concat(markers(root)), rect(root.getBoundingClientRect()));
        return items.length;
    }

    // Interactive map: lay the labels out after each move, zoom or resize, and when labels are added.
    const pending = new WeakMap();
    function schedule(map) {
        if (!map || pending.get(map)) { return; }
        pending.set(map, true);
        window.requestAnimationFrame(function () {
            pending.delete(map);
            const root = map.getContainer();
            // The panels laid over the map (breadcrumb, hover line, note...) are in its wrapper (app/web/page.py).
            if (root.isConnected) { layout(root, root.closest(".map-wrap") || root.parentElement || root, map.getZoom()); }
        });
    }
    const maps = new Set();
    function watch(map) {
        if (!map) { return; }
        if (!maps.has(map)) {
            maps.add(map);
            map.on("zoomend moveend resize", function () { schedule(map); });
            map.on("unload", function () { maps.delete(map); });
        }
        schedule(map);
    }
    // After the layer panel showed or hid a pane: every map lays its labels out again.
    function refreshAll() { maps.forEach(schedule); }

    // Where a facility marker is drawn from its point (px): markers sharing a position fan out on a
    // ring of fixed screen radius (features' stack_index of stack_size). The map's markers, their
    // highlight rings and the first view's markers all use this.
    function fanOut(index, size) {
        if (!(size > 1)) { return [0, 0]; }
        const radius = 8 + 3 * size;
        const angle = 2 * Math.PI * index / size - Math.PI / 2;
        return [radius * Math.cos(angle), radius * Math.sin(angle)];
    }

    // The first view (app/web/first_view.py): anchors `.first-view-anchor` carry their point in SVG
    // units (data-x, data-y); `toPx` maps them to pixels of `box`; markers are moved by fanOut, then
    // the names laid out as on the map.
    function firstView(names, box, toPx, zoom) {
        // Every marker measured first, then everything moved: a size read after a move would lay the page
        // out again for each marker (a marker's size does not depend on where its anchor is).
        const moves = Array.from(names.querySelectorAll(".first-view-anchor")).map(function (a) {
            const m = a.querySelector(".facility-marker");
            return {a: a, m: m, w: m ? m.offsetWidth : 0, h: m ? m.offsetHeight : 0};
        });
        moves.forEach(function (move) {
            const a = move.a;
            const p = toPx(Number(a.dataset.x), Number(a.dataset.y));
            a.style.left = p[0] + "px";
            a.style.top = p[1] + "px";
            if (move.m) {
                const d = fanOut(Number(a.dataset.stackIndex), Number(a.dataset.stackSize));
                move.m.style.left = (d[0] - move.w / 2) + "px";
                move.m.style.top = (d[1] - move.h / 2) + "px";
            }
        });
        layout(names, box, zoom);
    }

    window.hubeiLabels = {place: place, layout: layout, watch: watch, schedule: schedule, refreshAll: refreshAll,
                          fanOut: fanOut, firstView: firstView};
})();
