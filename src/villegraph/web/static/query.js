/* Start the SPARQL editor on this server's own endpoint, with no remote look-ups. */
(function () {
  "use strict";
  var element = document.getElementById("yasgui");
  if (!element || typeof Yasgui === "undefined") { return; }
  var endpoint = window.location.origin + element.getAttribute("data-endpoint");
  var textarea = document.getElementById("q");
  new Yasgui(element, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; }, keys: [] },
    persistenceId: null,
    yasqe: { value: textarea ? textarea.value : "", prefixCcApi: null, resizeable: true }
  });
})();
