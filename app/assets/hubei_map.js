// Client-side functions for the web map, referenced from Python through
// dash_extensions.javascript.Namespace("hubeiMap", "layer").
// Styles come from the component's `hideout` ({style: {...}}), so the server decides
// colours once (layers/style.py) and the browser only applies them.
window.hubeiMap = Object.assign({}, window.hubeiMap, {
    layer: {
        style: function (feature, context) {
            const hideout = (context && context.hideout) || {};
            return Object.assign({}, hideout.style || {}, {className: hideout.className || ""});
        },
        bindTooltip: function (feature, layer, context) {
            const p = feature.properties || {};
            // Build the tooltip from text nodes: names are data, never HTML.
            const box = document.createElement("div");
            const zh = document.createElement("strong");
            zh.textContent = p.name_zh || "";
            const en = document.createElement("div");
            en.textContent = p.name_en || "";
            box.appendChild(zh);
            box.appendChild(en);
            layer.bindTooltip(box, {sticky: true, direction: "top", className: "unit-tooltip"});
        }
    }
});
