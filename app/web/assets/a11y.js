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
//    Its open list (a Radix popover, role="dialog") is named by the same label.
//  - dcc.Upload: the file input (the keyboard's way in) has no name: it gets the box's words.
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
            const popup = button.getAttribute("aria-controls");
            const content = popup && document.getElementById(popup);
            if (content && content.getAttribute("aria-labelledby") !== label.id) {
                content.setAttribute("aria-labelledby", label.id);
            }
        }
    }

    function fixUpload(input) {
        const box = input.parentElement;
        const words = box ? box.textContent.trim() : "";
        if (words && input.getAttribute("aria-label") !== words) { input.setAttribute("aria-label", words); }
    }

    function fixLang() {
        const page = document.getElementById("page");
        const lang = page && page.getAttribute("lang");
        if (lang && document.documentElement.lang !== lang) { document.documentElement.lang = lang; }
    }

    function repair() {
        document.querySelectorAll(".dash-options-list").forEach(fixOptionList);
        document.querySelectorAll(".dash-dropdown-focus-target").forEach(fixDropdown);
        document.querySelectorAll(".upload-box input[type=file]").forEach(fixUpload);
        fixLang();
    }

    // The list of units (app/web/units_list.py): once the profile a unit button asked for is shown,
    // the focus moves to the panel (screen readers read it; Tab goes on into it), and closing
    // the panel brings the focus back to the button.
    let lastUnitButton = null;
    function focusProfile(button) {
        const name = button.textContent.trim();
        const started = Date.now();
        (function wait() {
            if (button !== lastUnitButton) { return; }  // another unit was asked for meanwhile
            const panel = document.getElementById("feature-detail");
            const heading = panel && panel.querySelector("h3");
            if (panel && !panel.hidden && heading && heading.textContent.indexOf(name) === 0) {
                panel.focus();
            } else if (Date.now() - started < 30000) {  // a busy server may take a while
                setTimeout(wait, 100);
            }
        }());
    }
    document.addEventListener("click", function (event) {
        const target = event.target instanceof Element ? event.target : null;
        const button = target && target.closest(".unit-button");
        if (button) {
            lastUnitButton = button;
            focusProfile(button);
        } else if (target && target.closest("#feature-detail-close") && lastUnitButton) {
            if (document.body.contains(lastUnitButton)) { lastUnitButton.focus(); }
            lastUnitButton = null;
        }
    });

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
            attributeFilter: ["role", "aria-selected", "tabindex", "aria-labelledby", "aria-controls", "lang"],
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
