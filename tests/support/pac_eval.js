// Evaluates a PAC file the way a browser does, for tests: the script runs in its
// own context with the standard PAC helper functions, then FindProxyForURL is
// called once per input line ("url<TAB>host"), one answer per output line.
//
//   node pac_eval.js PROXY.pac INPUT.tsv [--no-imul]
//
// --no-imul removes Math.imul first, as in old PAC engines, so the script's
// fallback multiply is exercised. Only loopback-free helpers are real here:
// DNS-based ones (isResolvable, isInNet, dnsResolve) answer as if DNS failed.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [pacPath, inputPath, flag] = process.argv.slice(2);

function shExpMatch(str, pattern) {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp("^" + re + "$").test(str);
}

const sandbox = {
  isPlainHostName: (host) => host.indexOf(".") < 0,
  dnsDomainIs: (host, domain) => host.length >= domain.length && host.endsWith(domain),
  localHostOrDomainIs: (host, hostdom) => host === hostdom || (host.indexOf(".") < 0 && hostdom.startsWith(host + ".")),
  dnsDomainLevels: (host) => host.split(".").length - 1,
  shExpMatch,
  isResolvable: () => false,
  isInNet: () => false,
  dnsResolve: () => null,
  myIpAddress: () => "127.0.0.1",
};
const context = vm.createContext(sandbox);
if (flag === "--no-imul") vm.runInContext("delete Math.imul;", context);
vm.runInContext(fs.readFileSync(pacPath, "utf8"), context, { filename: pacPath });

const findProxyForURL = context.FindProxyForURL;
const out = [];
for (const line of fs.readFileSync(inputPath, "utf8").split("\n")) {
  if (line === "") continue;
  const tab = line.indexOf("\t");
  out.push(findProxyForURL(line.substring(0, tab), line.substring(tab + 1)));
}
process.stdout.write(out.join("\n") + "\n");
