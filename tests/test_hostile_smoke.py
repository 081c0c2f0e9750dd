"""The hostile-input harness itself: a refusal it accepts really is one, and a change really is seen."""

from __future__ import annotations


def test_a_malformed_card_is_refused_cleanly(workspace):
    workspace.write("data/sources/broken.yaml", "card: broken\nsource: {id: y\n")
    workspace.refuses("build", file="broken.yaml", expected="malformed YAML")


def test_the_state_sees_a_changed_store_and_data(workspace):
    before = workspace.state()
    assert before[0], "the template store holds the founding data"
    (workspace.data / "sources" / "founding-article.yaml").unlink()
    outcome = workspace.run("build")
    assert outcome.exit_code == 0, outcome.text
    after = workspace.state()
    assert after[0] != before[0] and after[1] != before[1] and after[2] != before[2]
