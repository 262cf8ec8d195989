/**
 * `GET /docs/api`: the OpenAPI document (src/api/openapi.ts) as one readable page, rendered on
 * the server from the same object /openapi.json serves: every operation with its role,
 * parameters, request body and responses, then the component schemas. It uses the web UI's
 * stylesheet and nothing else (no script, no CDN), under the web UI's CSP.
 */
import { html, tableHead, type Asset, type Html } from '../webui/index.js';

type Json = Readonly<Record<string, unknown>>;
interface Operation extends Json {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly parameters?: readonly Json[];
  readonly requestBody?: { readonly description?: string; readonly content: Readonly<Record<string, Json>> };
  readonly responses: Readonly<Record<string, Json>>;
}
interface Document {
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, Json>> };
}

const REF = '#/components/schemas/';

/** A schema as indented JSON, with `$ref`s linking to the schema's section below. */
function schemaBlock(schema: unknown): Html {
  const text = JSON.stringify(schema, null, 2);
  const parts = text.split(/("\$ref": "#\/components\/schemas\/\w+")/);
  return html`<pre class="schema">
${parts.map((part) => {
      const name = part.startsWith('"$ref"') ? part.slice(part.indexOf(REF) + REF.length, -1) : undefined;
      return name ? html`"$ref": <a href="#schema-${name}">${name}</a>` : part;
    })}</pre>`;
}

function content(media: Readonly<Record<string, Json>> | undefined): Html {
  if (!media) return html``;
  return html`${Object.entries(media).map(
    ([type, { schema }]) =>
      html`<div class="media">
        <code>${type}</code>${schema && Object.keys(schema).length ? schemaBlock(schema) : ''}
      </div>`,
  )}`;
}

function parameters(list: readonly Json[] | undefined): Html {
  if (!list?.length) return html``;
  return html`<table>
    ${tableHead(['parameter', 'in', 'description', 'example'])}
    <tbody>
      ${list.map(
        (p) =>
          html`<tr>
            <td><code>${p.name}</code></td>
            <td>${p.in}</td>
            <td>${p.description}</td>
            <td><code>${p.example}</code></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function operation(path: string, method: string, op: Operation): Html {
  return html`<section class="operation" id="${op.operationId}">
    <h3><span class="method">${method.toUpperCase()}</span> <code>${path}</code></h3>
    <p>${op.summary} ${op.description}</p>
    ${parameters(op.parameters)}
    ${
      op.requestBody
        ? html`<h4>Request body</h4>
            <p>${op.requestBody.description}</p>
            ${content(op.requestBody.content)}`
        : ''
    }
    <h4>Responses</h4>
    <dl>
      ${Object.entries(op.responses).map(
        ([status, r]) =>
          html`<dt>${status}</dt>
            <dd>${r.description}${content(r.content as Readonly<Record<string, Json>>)}</dd>`,
      )}
    </dl>
  </section>`;
}

/** The whole page. */
export function apiPage(doc: Document, style: Asset): string {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>API · sigmirror</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${style.url}" />
      </head>
      <body>
        <main class="api-docs">
          <h1>${doc.info.title} API <small>${doc.info.version}</small></h1>
          <p>
            ${doc.info.description} The machine-readable document: <a href="/openapi.json">/openapi.json</a>.
          </p>
          <h2>Operations</h2>
          <ul class="toc">
            ${operations.map(
              ({ path, method, op }) =>
                html`<li>
                  <a href="#${op.operationId}"><span class="method">${method.toUpperCase()}</span> ${path}</a>
                </li>`,
            )}
          </ul>
          ${operations.map(({ path, method, op }) => operation(path, method, op))}
          <h2>Schemas</h2>
          ${Object.entries(doc.components.schemas).map(
            ([name, schema]) =>
              html`<section id="schema-${name}">
                <h3>${name}</h3>
                ${schemaBlock(schema)}
              </section>`,
          )}
        </main>
      </body>
    </html> `.value;
}
