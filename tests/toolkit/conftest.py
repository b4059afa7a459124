"""Small instruments written inline, so each test shows the data it checks."""

from __future__ import annotations

import pytest

from railab.toolkit import Instrument, load_instrument

DEMO = """\
format: 1
id: demo
version: 1
title: Demo
languages: [en]
principles:
  - {id: p_a, title: A}
  - {id: p_b, title: B}
sections:
  - id: s1
    title: One
    weight: 2
    principles: [p_a]
    questions:
      - id: q1
        type: single_choice
        title: Q1
        weight: 2
        options:
          - {value: none, label: None, score: 0}
          - {value: some, label: Some, score: 1}
          - {value: full, label: Full, score: 4}
          - {value: na, label: Not applicable}
      - id: q2
        type: yes_no_unknown
        title: Q2
        principles: [p_b]
      - id: q3
        type: scale
        title: Q3
        scale: {min: 1, max: 5}
        show_if: {question: q2, equals: "yes"}
  - id: s2
    title: Two
    principles: [p_b]
    questions:
      - id: q4
        type: multiple_choice
        title: Q4
        options:
          - {value: a, label: A, score: 1}
          - {value: b, label: B, score: 1}
          - {value: c, label: C, score: 2}
          - {value: none, label: None of these, score: 0, exclusive: true}
      - id: q5
        type: text
        title: Q5
        required: false
levels:
  basis: score
  items:
    - {id: low, label: Low, colour: "#aa0000", min: 0}
    - {id: mid, label: Mid, colour: "#aaaa00", min: 40}
    - {id: high, label: High, colour: "#00aa00", min: 70}
"""

RISKY = """\
format: 1
id: risky
version: 1
title: Risky
languages: [en]
principles:
  - {id: privacy, title: Privacy}
sections:
  - id: s
    title: S
    questions:
      - id: q_basis
        type: single_choice
        title: Legal basis
        options:
          - {value: statute, label: Statute, score: 1}
          - {value: none, label: None, score: 0}
      - {id: q_review, type: yes_no_unknown, title: "Human review of every output?"}
      - id: r1
        type: risk
        title: Wrongful arrest
        principles: [privacy]
        mitigations:
          - id: m_review
            label: Human review
            reduces: {likelihood: 1}
            when: {question: q_review, equals: "yes"}
          - {id: m_mask, label: Masking, reduces: {impact: 1}}
      - {id: r2, type: risk, title: Data breach}
risk_matrix:
  likelihood: [Rare, Possible, Likely]
  impact: [Minor, Serious, Severe]
  cells:
    - [low, low, medium]
    - [low, medium, high]
    - [medium, high, high]
levels:
  basis: risk
  items:
    - {id: low, label: Low, colour: "#00aa00", min: 1}
    - {id: medium, label: Medium, colour: "#aaaa00", min: 3}
    - {id: high, label: High, colour: "#aa0000", min: 6}
  escalations:
    - id: no_basis
      when: {question: q_basis, equals: none}
      level: high
      reason: No legal basis
recommendations:
  - {id: rec_r1, when: {risk: r1, level: [high]}, priority: high, text: Reduce r1}
  - {id: rec_basis, when: {question: q_basis, equals: none}, priority: high, text: Find a basis}
  - {id: rec_low, when: {level: [low]}, priority: low, text: Keep monitoring}
requirements:
  - {id: req_review, levels: [high], text: Review every match}
  - {id: req_doc, levels: [medium, high], text: Document decisions}
"""


@pytest.fixture(scope="session")
def demo() -> Instrument:
    return load_instrument(DEMO, name="demo.yaml")


@pytest.fixture(scope="session")
def risky() -> Instrument:
    return load_instrument(RISKY, name="risky.yaml")
