"""The catalogue objects a model was trained on, by name, for the model folder's `objects.json`.

A prompt is checked against the objects the reading model knows (src/synth/prompt-vocabulary.ts).
The procedural categories are fixed tables in the TypeScript code, but which Sweet Home 3D names a
model has seen depends on its training corpora, so the export lists them: every catalogue record
the training split kept (the validation keys are left out as in training), one entry per English
name, with its Chinese name and the catalogue's category.
"""
import json
import os

from kiln_mv.data import is_holdout, source_specs

FORMAT = "kiln-objects/1"


def catalogue_objects(train_spec):
    """[{en, zh, category}] of the catalogue objects in a config's `data.train`, sorted by name."""
    seen = {}
    for src in source_specs(train_spec):
        root = src["path"]
        with open(os.path.join(root, "corpus.json"), encoding="utf-8") as f:
            manifest = json.load(f)
        for shard in manifest["shards"]:
            with open(os.path.join(root, shard["name"], "index.json"), encoding="utf-8") as f:
                records = json.load(f)["records"]
            for rec in records:
                if rec.get("source") != "sh3d" or is_holdout(rec, src.get("holdout")):
                    continue
                en = rec["name"].strip().lower()
                seen.setdefault(en, {"en": en, "zh": (rec.get("nameZh") or rec["name"]).strip(), "category": rec.get("category", "").strip().lower()})
    return [seen[k] for k in sorted(seen)]


def write_known_objects(train_spec, out_dir):
    """Writes `objects.json` into the model folder when the training data held catalogue objects;
    returns its path, or None."""
    objects = catalogue_objects(train_spec)
    if not objects:
        return None
    path = os.path.join(out_dir, "objects.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"format": FORMAT, "source": "Sweet Home 3D furniture catalogues", "objects": objects}, f, ensure_ascii=False, indent=1)
    return path
