/** The segment builder's form state: name, rules (builder or text mode), and switching modes. */
import { useState } from "react";
import type { RuleGroup, Segment, SegmentField, SegmentTemplate } from "../../crmTypes";
import { ApiError, apiFetch } from "../../hooks/useApi";
import type { QueryError } from "./QueryEditor";
import { asRoot, emptyGroup, incompleteReason, leafCount } from "./ruleTree";
import { fromApiRules, toApiRules } from "./ruleValues";
import type { PreviewInput } from "./useSegmentPreview";

export type Mode = "builder" | "text";

export interface SegmentForm {
  name: string;
  description: string;
  tree: RuleGroup;
  query: string;
  mode: Mode;
  tagWriteback: boolean;
  template: string | null;
}

export const EMPTY_FORM: SegmentForm = { name: "", description: "", tree: emptyGroup(), query: "", mode: "builder", tagWriteback: false, template: null };

/** Return the form for a saved segment. */
export function formFromSegment(segment: Segment): SegmentForm {
  return { ...EMPTY_FORM, name: segment.name, description: segment.description ?? "", tree: fromApiRules(asRoot(segment.rules)), query: segment.query, tagWriteback: segment.tag_writeback, template: segment.template };
}

/** Return a new segment's form started from a template. */
export function formFromTemplate(template: SegmentTemplate): SegmentForm {
  return { ...EMPTY_FORM, name: template.name, description: template.description, tree: fromApiRules(asRoot(template.rules)), query: template.query, template: template.key };
}

/** Return what to preview or save: the rules in builder mode, the query in text mode; null while incomplete. */
export function rulesPayload(form: SegmentForm, fields: SegmentField[]): PreviewInput {
  if (form.mode === "text") return form.query.trim() ? { query: form.query } : null;
  return incompleteReason(form.tree) ? null : { rules: toApiRules(form.tree, fields) };
}

function queryError(err: unknown): QueryError {
  if (err instanceof ApiError) {
    const position = typeof err.details.position === "number" ? err.details.position : null;
    return { message: err.message, position };
  }
  return { message: String(err), position: null };
}

/** Hold the form and switch between builder and text mode through /segments/format and /parse. */
export function useSegmentForm(fields: SegmentField[]) {
  const [form, setForm] = useState<SegmentForm>(EMPTY_FORM);
  const [error, setError] = useState<QueryError | null>(null);
  const [switching, setSwitching] = useState(false);

  const update = (patch: Partial<SegmentForm>) => setForm((f) => ({ ...f, ...patch }));

  async function setMode(mode: Mode) {
    if (mode === form.mode) return;
    setSwitching(true);
    setError(null);
    try {
      if (mode === "text") {
        const query =
          leafCount(form.tree) === 0
            ? ""
            : (await apiFetch<{ query: string }>("/segments/format", { method: "POST", body: { rules: toApiRules(form.tree, fields) } })).query;
        update({ mode, query });
      } else {
        const tree = form.query.trim()
          ? fromApiRules(asRoot((await apiFetch<{ rules: RuleGroup }>("/segments/parse", { method: "POST", body: { query: form.query } })).rules))
          : emptyGroup();
        update({ mode, tree });
      }
    } catch (err) {
      setError(queryError(err));
    } finally {
      setSwitching(false);
    }
  }

  return { form, setForm, update, setMode, switching, modeError: error, clearModeError: () => setError(null), toQueryError: queryError };
}
