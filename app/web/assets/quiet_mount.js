// Fewer store updates while Dash mounts the page.
//
// Dash's renderer (dash-renderer 4.4) dispatches RESET_COMPONENT_STATE to its redux store once for every
// component it mounts. The action's reducer drops the component's entries from ``layoutHashes`` (the count
// of prop changes per component path); before any prop has changed, that record is empty and the action
// changes nothing. Each dispatch still makes every mounted component re-run its store selector: for the
// map page's ~200 components, ~200 dispatches and ~40,000 selector runs before the map can paint.
//
// Assets run before Dash's renderer creates its store, which it publishes as ``window.store``. When it
// appears, its ``dispatch`` is wrapped to drop RESET_COMPONENT_STATE while ``layoutHashes`` is empty,
// exactly the case where the reducer would return an empty record again; every other action, and this
// one once any prop has changed, is dispatched as before. ``tests/test_quiet_mount.py`` checks the
// renderer's reducer still does what this relies on, and counts the dropped actions in a browser.
(function () {
    "use strict";
    const ACTION = "RESET_COMPONENT_STATE";
    const stats = window.hubeiQuietMount = {dropped: 0, wrapped: false};
    const previous = Object.getOwnPropertyDescriptor(window, "store");
    if (previous && !previous.configurable) { return; }  // someone else owns it: leave the store alone
    let held = previous && "value" in previous ? previous.value : undefined;
    function quiet(store) {
        if (!store || typeof store.dispatch !== "function" || typeof store.getState !== "function" ||
            store.hubeiQuiet) {
            return;
        }
        const dispatch = store.dispatch;
        store.dispatch = function (action) {
            if (action && action.type === ACTION) {
                const hashes = store.getState().layoutHashes;
                if (hashes && typeof hashes === "object" && Object.keys(hashes).length === 0) {
                    stats.dropped += 1;
                    return action;
                }
            }
            return dispatch.apply(this, arguments);
        };
        store.hubeiQuiet = true;
        stats.wrapped = true;
    }
    Object.defineProperty(window, "store", {
        configurable: true,
        enumerable: true,
        get: function () { return previous && previous.get ? previous.get.call(window) : held; },
        set: function (store) {
            if (previous && previous.set) { previous.set.call(window, store); }  // a probe already watching
            held = store;
            quiet(store);
        }
    });
    quiet(held);
})();
