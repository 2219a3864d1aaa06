// Accessibility repairs of Dash 4's own markup, and the page's language on <html>.
// tests/test_accessibility.py audits the page with axe-core; without these repairs it finds:
//  - dcc.Checklist / dcc.RadioItems: a role="listbox" whose role="option" labels contain the real
//    <input> (an interactive control nested in another, and options that are not options). The
//    native checkbox or radio inside its <label> is already named and keyboard-usable, so the
//    invented roles are removed (a fieldset or the label around it gives the group its name).
//  - dcc.Dropdown: a read-only <input aria-hidden="true" tabindex="0"> that takes Tab focus and
//    hands it to the real trigger button (tabindex="-1"), so keyboard users land on an element
//    hidden from screen readers. The button itself becomes the Tab stop and the proxy leaves the
//    Tab order; the button is named by its <label for=...> followed by the chosen value.
//  - <html> has no lang: it follows the page's language (#page[lang]) after a language switch.
// The repairs run on every change of the page (MutationObserver), since Dash redraws panels.
(function () {
    "use strict";

    function fixOptionList(list) {
        if (list.getAttribute("role") === "listbox") { list.removeAttribute("role"); }
        list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
            if (option.hasAttribute("role")) { option.removeAttribute("role"); }
            if (option.hasAttribute("aria-selected")) { option.removeAttribute("aria-selected"); }
        });
    }

    function fixDropdown(proxy) {
        if (proxy.tabIndex !== -1) { proxy.tabIndex = -1; }
        const button = proxy.nextElementSibling;
        if (!button || !button.classList.contains("dash-dropdown")) { return; }
        if (button.tabIndex !== 0 && !button.disabled) { button.tabIndex = 0; }
        const label = button.id && document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
        if (label) {
            if (!label.id) { label.id = button.id + "-label"; }
            const names = (button.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
            if (names[0] !== label.id) {
                button.setAttribute("aria-labelledby", [label.id].concat(names.filter(function (n) {
                    return n !== label.id && document.getElementById(n);
                })).join(" "));
            }
        }
    }

    function fixLang() {
        const page = document.getElementById("page");
        const lang = page && page.getAttribute("lang");
        if (lang && document.documentElement.lang !== lang) { document.documentElement.lang = lang; }
    }

    function repair() {
        document.querySelectorAll(".dash-options-list").forEach(fixOptionList);
        document.querySelectorAll(".dash-dropdown-focus-target").forEach(fixDropdown);
        fixLang();
    }

    let pending = false;
    function schedule() {
        if (pending) { return; }
        pending = true;
        // After React's commit and before the next paint: one pass however many nodes changed.
        Promise.resolve().then(function () { pending = false; repair(); });
    }

    function start() {
        repair();
        new MutationObserver(schedule).observe(document.body, {
            childList: true, subtree: true, attributes: true,
            attributeFilter: ["role", "aria-selected", "tabindex", "aria-labelledby", "lang"],
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
