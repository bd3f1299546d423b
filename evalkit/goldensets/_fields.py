"""An item's fields as the text a judge prompt shows."""

from __future__ import annotations

from evalkit.goldensets._schema import GoldenItem


def item_fields(item: GoldenItem) -> dict[str, str]:
    """The placeholder values an item supplies."""
    ref = item.reference
    parts = []
    if ref.answers:
        parts.append("\n".join(ref.answers))
    if ref.label:
        parts.append(f"gold label: {ref.label} (labels: {', '.join(ref.labels)})")
    if ref.key_terms:
        parts.append("key terms: " + ", ".join(ref.key_terms))
    question = item.prompt or (item.messages[-1].content if item.messages else "")
    if item.system:
        question = f"[system] {item.system}\n{question}"
    return {
        "question": question,
        "context": item.context or "",
        "reference": "\n".join(parts),
        "expected_behavior": item.expected_behavior,
        "premise_note": ref.premise_note or "",
        "reply_lang": item.expected_reply_lang,
    }
