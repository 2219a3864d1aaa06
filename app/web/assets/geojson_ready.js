// The map's layers without React's Suspense delay.
//
// dash-leaflet 1.1.3 loads its GeoJSON component lazily: ``dash_leaflet.GeoJSON`` renders the real
// component through ``React.lazy`` inside a ``Suspense``. The first time React renders one, the lazy
// import starts, the boundary shows its fallback, and React 18 holds the reveal of what comes back
// until 500 ms after that fallback was shown (its FALLBACK_THROTTLE_MS): the map's layers waited for that.
//
// Assets run after dash_leaflet's bundle and before Dash renders the layout. Rendering one GeoJSON here,
// into a detached root that is unmounted at once, starts the lazy import now (its chunk has already run as
// a page script, app/web/dashapp.py EAGER_CHUNKS); when Dash renders the map, the component is resolved
// and the layers are drawn in the first commit. Only dash-leaflet's public component and React's own API
// are used; if either is missing, nothing happens and the map draws as before. Pages without a map (the
// targets view) do not load the chunk as a script, and nothing is done there.
(function () {
    "use strict";
    const leaflet = window.dash_leaflet;
    const React = window.React;
    const ReactDOM = window.ReactDOM;
    if (!leaflet || !leaflet.GeoJSON || !React || !ReactDOM || !ReactDOM.createRoot || !ReactDOM.flushSync ||
        !document.querySelector('script[src$="dash_leaflet/async-GeoJSON.js"]')) {
        return;
    }
    try {
        const root = ReactDOM.createRoot(document.createElement("div"));
        ReactDOM.flushSync(function () {
            root.render(React.createElement(leaflet.GeoJSON, {}));
        });
        root.unmount();
    } catch (err) {
        // Not fatal: the first map render then starts the import itself.
    }
})();
