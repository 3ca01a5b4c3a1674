/** StringMatch (networking.istio.io): exactly one of exact, prefix or regex (RE2, whole-string). */
export interface StringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}
