/** A document read from a manifest file, before it is decoded into an object. */

export interface SourceDocument {
  /** Where it came from, for messages: "web.yaml (document 2)". */
  readonly source: string;
  readonly body: unknown;
}
