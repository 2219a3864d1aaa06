// Client-side functions for the web map, referenced from Python through
// dash_extensions.javascript.Namespace("hubeiMap", "layer").
// Styles come from the component's `hideout` ({style: {...}, className}), so the server
// decides colours once (layers/style.py) and the browser only applies them.
// Text from the data is always inserted as text nodes, never as HTML.
const STATUS_ZH = {planned: "规划", under_construction: "在建", operating: "运营", unknown: "未知"};
const STATUS_EN = {planned: "planned", under_construction: "under construction", operating: "operating", unknown: "unknown"};

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
            const p = (feature && feature.properties) || {};
            const code = p.code;
            const colour = h.colors && h.colors[code];
            if (h.parent && p.parent_code && p.parent_code !== h.parent) {
                // Drilled into a prefecture: the counties outside it fade back.
                return {color: "#9a9a9a", weight: 0.4, opacity: 0.6, fillColor: colour || h.noData || "#d9d9d9",
                        fillOpacity: 0.12, className: "choropleth-unit outside"};
            }
            // h.look: layers/style.py's CHOROPLETH_STYLE (choropleth_look), the one place it is written.
            const [line, weight, fillOpacity, noDataFillOpacity, noDataDashArray] = h.look || [];
            return {
                color: line, weight: weight, opacity: 1,
                fillColor: colour || h.noData || "#d9d9d9",
                fillOpacity: colour ? fillOpacity : noDataFillOpacity,
                dashArray: colour ? null : noDataDashArray,
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
            // Markers sharing a position fan out on a ring of fixed screen radius (hubei_labels.js).
            const [dx, dy] = window.hubeiLabels.fanOut(p.stack_index, p.stack_size);
            const icon = L.divIcon({html: el, className: (hideout.className || "") + " facility-icon",
                                    iconSize: [m.size, m.size], iconAnchor: [m.size / 2 - dx, m.size / 2 - dy]});
            // The facility's name beside the marker, from a zoom on, or always in its prefecture's drill-down.
            const names = hideout.names;
            let nameLabel = null;
            if (names) {
                const label = document.createElement("div");
                label.className = "map-label map-label-facility";
                label.textContent = (hideout.lang === "en" ? p.name_en : p.name_zh) || p.name_zh || "";
                label.style.cssText = names.css || "";
                label.dataset.minZoom = String(names.fromZoom);
                label.dataset.clearance = String(m.size / 2 + 2);
                label.dataset.unit = String(p.prefecture_code || "");
                nameLabel = label;
            }
            // In the layer's own pane, so the layer panel's on/off and opacity reach the markers too.
            const marker = L.marker(latlng, {icon: icon, keyboard: true, pane: (context && context.pane) || "markerPane",
                                             title: p.name_zh || "",
                                             alt: (p.name_zh || "") + " " + (p.name_en || "")});
            if (names) {  // beside the marker's shape, in the icon (not inside the shape: that may be turned)
                marker.on("add", function () {
                    const icon = marker.getElement();
                    if (icon && !icon.contains(nameLabel)) { icon.appendChild(nameLabel); }
                    window.hubeiLabels.watch(marker._map);
                });
            }
            return marker;
        },
        // A place name (app/web/labels.py): text in a zero-size marker at the label point, in its own
        // pane; hubei_labels.js moves it clear of other names and of the map's controls.
        label: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const p = feature.properties || {};
            const el = document.createElement("div");
            el.className = "map-label map-label-" + (h.kind || "unit");
            el.textContent = (h.lang === "en" ? p.label_en : p.label_zh) || p.label_zh || "";
            el.style.cssText = h.css || "";
            el.dataset.area = String(p.area_km2 || 0);
            el.dataset.code = String(p.code || "");
            el.style.visibility = "hidden";  // until hubei_labels.js has found it a place
            if (h.required) { el.dataset.required = "1"; }
            if (h.kind === "county" && h.parent && h.required) { el.dataset.drillParent = h.parent; }
            const icon = L.divIcon({html: el, className: "map-label-anchor", iconSize: [0, 0], iconAnchor: [0, 0]});
            const marker = L.marker(latlng, {icon: icon, interactive: false, keyboard: false,
                                             pane: (context && context.pane) || "markerPane"});
            marker.on("add", function () { window.hubeiLabels.watch(marker._map); });
            return marker;
        },
        // Labels of a drill-down: only the units of hideout.parent; and never the unit of hideout.exclude.
        labelFilter: function (feature, context) {
            const h = (context && context.hideout) || {};
            const p = feature.properties || {};
            // hideout.countyOnly: not the units named at both levels (Xiantao...: their county row's parent is itself).
            if (h.countyOnly && p.parent_code === p.code) { return false; }
            return (!h.parent || p.parent_code === h.parent) && (!h.exclude || p.code !== h.exclude);
        },
        inUnit: function (feature, context) {
            const h = (context && context.hideout) || {};
            return Boolean(h.parent) && feature.properties && feature.properties.parent_code === h.parent;
        },
        // A target's places (app/web/highlight.py): the features whose hideout.field is one of hideout.ids,
        // areas outlined, points ringed where their layer draws their marker (same fan-out offset).
        inIds: function (feature, context) {
            const h = (context && context.hideout) || {};
            const p = (feature && feature.properties) || {};
            return Array.isArray(h.ids) && h.ids.includes(String(p[h.field]));
        },
        highlight: function (feature, context) {
            const h = (context && context.hideout) || {};
            return Object.assign({}, h.style || {}, {className: h.className || ""});
        },
        highlightMarker: function (feature, latlng, context) {
            const h = (context && context.hideout) || {};
            const p = feature.properties || {};
            const size = h.ring || 26;
            const [dx, dy] = window.hubeiLabels.fanOut(p.stack_index, p.stack_size);
            const el = document.createElement("div");
            el.className = "target-highlight-ring";
            const icon = L.divIcon({html: el, className: (h.className || "") + " target-highlight-icon",
                                    iconSize: [size, size], iconAnchor: [size / 2 - dx, size / 2 - dy]});
            return L.marker(latlng, {icon: icon, interactive: false, keyboard: false,
                                     pane: (context && context.pane) || "markerPane"});
        },
        // For layers without tooltips: dash-leaflet's default would bind properties.popup/tooltip as HTML.
        noTooltip: function (feature, layer, context) {},
        bindTooltip: function (feature, layer, context) {
            const p = feature.properties || {};
            const en = ((context && context.hideout) || {}).lang === "en";
            const box = document.createElement("div");
            const line = function (text, tag) {
                if (!text) { return; }
                const el = document.createElement(tag || "div");
                el.textContent = text;
                box.appendChild(el);
            };
            const zh = p.name_zh || p.circle_zh || p.unit_name_zh;
            const enName = p.name_en || p.circle_en || p.unit_name_en;
            line(en ? (enName || zh) : zh, "strong");
            line(en ? zh : enName);
            if (p.status) {
                const status = (en ? STATUS_EN : STATUS_ZH)[p.status] || p.status;
                line((en ? "Status: " : "状态：") + status + (p.status_date ? " (" + p.status_date + ")" : ""));
            }
            if (p.precision && p.precision !== "site") {
                line(en ? "Placed at the " + (p.precision === "city" ? "prefecture" : "district") + "'s representative point"
                        : "位置为" + (p.precision === "city" ? "市州" : "区县") + "代表点");
            }
            if (p.geometry_kind === "schematic") { line(en ? "Schematic, not the real route" : "示意线，非实际路由"); }
            layer.bindTooltip(box, {sticky: true, direction: "top", className: "unit-tooltip"});
        }
    }
});

// Client-side callbacks (no server round trip): address bar, copy link, layer visibility,
// and the view sync of the comparison map.
const COUNTIES_FROM_ZOOM = 9;  // = app/web/layout.py COUNTIES_FROM_ZOOM (tests/test_web.py checks)
const SYNC_EPSILON = 1e-5;  // degrees, about 1 m
window.dash_clientside = Object.assign({}, window.dash_clientside, {
    hubeiMap: {
        writeAddress: function (query) {
            if (typeof query !== "string") { return window.dash_clientside.no_update; }
            const target = window.location.pathname + query;
            if (window.location.pathname + window.location.search !== target) {
                window.history.replaceState(window.history.state, "", target);
            }
            return query;
        },
        copyLink: function (clicks) {
            return window.location.href;
        },
        layerVisibility: function (onValues, opacities, countiesAuto, zoom) {
            const inputs = window.dash_clientside.callback_context.inputs_list;
            const on = new Set([].concat.apply([], onValues.map(v => v || [])));
            const autoCounties = (countiesAuto || []).includes("auto") && zoom >= COUNTIES_FROM_ZOOM;
            const apply = function () {
                let found = 0;
                if (window.hubeiLabels) { window.hubeiLabels.refreshAll(); }  // lay the names out for the panes shown
                inputs[0].forEach(function (item) {
                    const layer = item.id.layer;
                    const visible = on.has(layer) || (layer === "counties" && autoCounties);
                    document.querySelectorAll(".layer-pane-" + layer).forEach(function (pane) {
                        pane.style.display = visible ? "" : "none";
                        found += 1;
                    });
                });
                inputs[1].forEach(function (item, i) {
                    const level = opacities[i] === null || opacities[i] === undefined ? 1 : opacities[i];
                    document.querySelectorAll(".layer-pane-" + item.id.layer).forEach(function (pane) {
                        pane.style.opacity = String(level);
                    });
                });
                return found;
            };
            // The map may mount its panes after this first runs: try again on the next frames.
            if (!apply()) { setTimeout(apply, 50); setTimeout(apply, 500); }
            return Array.from(on).sort();
        },
        // One direction per callback (the comparison map exists only in comparisons). The
        // view last sent is remembered, so the echo of a synced move is not sent back.
        syncView: function (center, zoom) {
            const noUpdate = window.dash_clientside.no_update;
            if (!center || zoom === undefined || zoom === null) { return noUpdate; }
            const lat = center.lat !== undefined ? center.lat : center[0];
            const lng = center.lng !== undefined ? center.lng : center[1];
            const last = window.hubeiMap.lastSync;
            if (last && Math.abs(last.lat - lat) < SYNC_EPSILON && Math.abs(last.lng - lng) < SYNC_EPSILON &&
                last.zoom === zoom) {
                return noUpdate;
            }
            window.hubeiMap.lastSync = {lat: lat, lng: lng, zoom: zoom};
            return {center: [lat, lng], zoom: zoom, transition: "setView"};
        }
    }
});

// A file over the upload limit: dcc.Upload drops it without a word (max_size), so say why,
// in the note under the upload box (its limit and message come from app/web/layout.py).
function noteOversizeUpload(files, target) {
    const note = document.getElementById("upload-size-note");
    const box = document.getElementById("indicator-upload");
    if (!note || !box || !target || !box.contains(target)) { return; }
    const limit = Number(note.dataset.maxBytes);
    const big = Array.from(files || []).filter(function (f) { return f.size > limit; });
    note.textContent = big.map(function (f) {  // text, never HTML: a file name is the person's own
        return note.dataset.message.replace("{name}", f.name).replace("{size}", f.size.toLocaleString("en-US"));
    }).join(" ");
    note.hidden = big.length === 0;
}
document.addEventListener("change", function (e) { noteOversizeUpload(e.target.files, e.target); }, true);
document.addEventListener("drop", function (e) {
    noteOversizeUpload(e.dataTransfer && e.dataTransfer.files, e.target);
}, true);
