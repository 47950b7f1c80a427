// The one browser bundle of the web application's charts (built by scripts/web-assets.sh).
// vega-interpreter evaluates Vega expressions without `new Function`, so the pages' Content
// Security Policy needs no 'unsafe-eval'.
import * as vega from "vega";
import * as vegaLite from "vega-lite";
import vegaEmbed from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";

globalThis.pejlingVega = { vega, vegaLite, vegaEmbed, expressionInterpreter };
