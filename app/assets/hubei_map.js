// Client-side functions for the web map, referenced from Python through
// dash_extensions.javascript.Namespace("hubeiMap", "layer").
// Styles come from the component's `hideout` ({style: {...}, className}), so the server
// decides colours once (layers/style.py) and the browser only applies them.
// Text from the data is always inserted as text nodes, never as HTML.
window.hubeiMap = Object.assign({}, window.hubeiMap, {
    layer: {
        style: function (feature, context) {
            const hideout = (context && context.hideout) || {};
            const base = Object.assign({}, hideout.style || {});
            const cat = base.categories;
            delete base.categories;
            delete base.marker;
            if (cat && feature && feature.properties) {
                const colour = cat.colors[feature.properties[cat.field]];
                if (colour) {
                    base.fillColor = colour;
                    if (!base.color) { base.color = colour; }
                }
            }
            return Object.assign(base, {className: hideout.className || ""});
        },
        choropleth: function (feature, context) {
            const h = (context && context.hideout) || {};
            const code = feature && feature.properties && feature.properties.code;
            const colour = h.colors && h.colors[code];
            return {
                color: "#4d4d4d", weight: 0.8, opacity: 1,
                fillColor: colour || h.noData || "#d9d9d9",
                fillOpacity: colour ? 0.9 : 0.55,
                dashArray: colour ? null : "2 3",
                className: "choropleth-unit" + (colour ? "" : " no-data")
            };
        },
        pointToLayer: function (feature, latlng, context) {
            const hideout = (context && context.hideout) || {};
            const m = (hideout.style && hideout.style.marker) || {shape: "circle", color: "#333", size: 12};
            const p = feature.properties || {};
            const dim = p.precision && p.precision !== "site";
            const el = document.createElement("div");
            el.className = "facility-marker facility-" + m.shape + (dim ? " approx" : "");
            el.style.width = m.size + "px";
            el.style.height = m.size + "px";
            el.style.background = m.color;
            // Markers sharing a position fan out on a ring of fixed screen radius.
            let dx = 0, dy = 0;
            if (p.stack_size > 1) {
                const radius = 8 + 3 * p.stack_size;
                const angle = 2 * Math.PI * p.stack_index / p.stack_size - Math.PI / 2;
                dx = radius * Math.cos(angle);
                dy = radius * Math.sin(angle);
            }
            const icon = L.divIcon({html: el, className: (hideout.className || "") + " facility-icon",
                                    iconSize: [m.size, m.size], iconAnchor: [m.size / 2 - dx, m.size / 2 - dy]});
            return L.marker(latlng, {icon: icon, keyboard: true, title: p.name_zh || "",
                                     alt: (p.name_zh || "") + " " + (p.name_en || "")});
        },
        bindTooltip: function (feature, layer, context) {
            const p = feature.properties || {};
            const box = document.createElement("div");
            const line = function (text, tag) {
                if (!text) { return; }
                const el = document.createElement(tag || "div");
                el.textContent = text;
                box.appendChild(el);
            };
            line(p.name_zh || p.circle_zh || p.unit_name_zh, "strong");
            line(p.name_en || p.circle_en || p.unit_name_en);
            if (p.status) { line("状态 status: " + p.status + (p.status_date ? " (" + p.status_date + ")" : "")); }
            if (p.precision && p.precision !== "site") {
                line("位置为" + (p.precision === "city" ? "市州" : "区县") + "代表点 · placed at the " + p.precision + "'s representative point");
            }
            if (p.geometry_kind === "schematic") { line("示意线，非实际路由 · schematic, not the real route"); }
            layer.bindTooltip(box, {sticky: true, direction: "top", className: "unit-tooltip"});
        }
    }
});
