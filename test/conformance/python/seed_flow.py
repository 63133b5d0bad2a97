"""The seeds' verification flow with the official Python client (pymilvus 2.3), as a new user would run it.

Create the collection and its IVF_FLAT index BEFORE inserting, insert 10 000-row batches of dim 128, flush, load,
search with nprobe 10 from 10 threads, let the driver kill a querynode (it answers on stdin), search again until the
server answers, then the client's common flows: query with expressions and output fields, count(*), delete, bad
requests, drop. Prints one JSON line (prefix RESULT) with what it saw; the vitest driver checks it against truths it
knows (rows inserted, ids deleted) and compares the two targets.
"""

import argparse
import json
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from pymilvus import Collection, CollectionSchema, DataType, FieldSchema, MilvusException, connections, utility


def vectors(rows, dim, seed):
    rnd = random.Random(seed)
    return [[rnd.random() for _ in range(dim)] for _ in range(rows)]


def failure(error):
    """The status class of a failure: Milvus code (or gRPC-side), and the message."""
    return {"code": getattr(error, "code", None), "message": str(getattr(error, "message", error)).split("\n")[0][:300]}


def attempt(fn):
    try:
        return {"ok": True, "value": fn()}
    except MilvusException as error:
        return {"ok": False, **failure(error)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", required=True)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--batch-rows", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--searches-per-thread", type=int, default=5)
    parser.add_argument("--kill", action="store_true", help="print KILL and wait for the driver's answer on stdin")
    args = parser.parse_args()
    seen = {}

    connections.connect("default", host=args.host, port=args.port, timeout=30)
    seen["version_is_semver"] = utility.get_server_version().lstrip("v")[:1].isdigit()
    name = "conf_py_seed"
    if utility.has_collection(name):
        utility.drop_collection(name)
    schema = CollectionSchema([
        FieldSchema("id", DataType.INT64, is_primary=True, auto_id=False),
        FieldSchema("vec", DataType.FLOAT_VECTOR, dim=args.dim),
        FieldSchema("n", DataType.INT64),
    ])
    collection = Collection(name, schema)
    # the index before any row (create_index waits for it through AllocTimestamp + DescribeIndex)
    collection.create_index("vec", {"index_type": "IVF_FLAT", "metric_type": "L2", "params": {"nlist": 128}})
    seen["index_before_insert"] = [i.params for i in collection.indexes]

    inserted = 0
    samples = []
    for b in range(args.batches):
        vecs = vectors(args.batch_rows, args.dim, seed=b + 1)
        ids = list(range(inserted, inserted + args.batch_rows))
        result = collection.insert([ids, vecs, ids])  # 10 000 × 128 floats = 5.3 MB in one request
        inserted += result.insert_count
        samples += [(ids[i], vecs[i]) for i in range(0, args.batch_rows, args.batch_rows // 5)]
    seen["inserted"] = inserted
    collection.flush()
    seen["num_entities"] = collection.num_entities
    collection.load()

    search_params = {"metric_type": "L2", "params": {"nprobe": 10}}

    def search_round(_):
        ok, self_first, errors = 0, 0, []
        for k in range(args.searches_per_thread):
            sid, vec = samples[k % len(samples)]
            try:
                hits = collection.search([vec], "vec", search_params, limit=10)[0]
                ok += 1
                self_first += int(hits.ids[0] == sid and abs(hits.distances[0]) < 1e-4)
            except MilvusException as error:
                errors.append(failure(error))
        return ok, self_first, errors

    def threaded():
        with ThreadPoolExecutor(args.threads) as pool:
            rounds = list(pool.map(search_round, range(args.threads)))
        return {"ok": sum(r[0] for r in rounds), "self_first": sum(r[1] for r in rounds), "errors": [e for r in rounds for e in r[2]][:3]}

    seen["searches_before"] = threaded()

    if args.kill:
        print("KILL", flush=True)
        seen["kill"] = sys.stdin.readline().strip()
        started = time.monotonic()
        failures = 0
        while True:
            try:
                hits = collection.search([samples[0][1]], "vec", search_params, limit=10, timeout=5)[0]
                # recovered = searches and queries both answer again (after a reload they can come back apart)
                if len(hits.ids) == 10 and len(collection.query("id in [1]", output_fields=["id"], timeout=5)) == 1:
                    break
            except MilvusException:
                failures += 1
            if time.monotonic() - started > 90:
                break
            time.sleep(0.2)
        seen["recovered_after_s"] = round(time.monotonic() - started, 1)
        seen["failed_while_recovering"] = failures > 0
    seen["searches_after"] = threaded()

    seen["query_ids"] = sorted(collection.query("id in [3, 1, 2]", output_fields=["n"]), key=lambda r: r["id"])
    seen["query_range"] = len(collection.query("n >= 100 and n < 150", output_fields=["id"]))
    seen["count"] = collection.query("", output_fields=["count(*)"])[0]["count(*)"]
    seen["filtered_search"] = sorted(
        h.id for h in collection.search([samples[1][1]], "vec", search_params, limit=10, expr="n < 1000")[0]
    )[:1] != []
    seen["delete_count"] = collection.delete("id in [0, 1, 2, 3, 4]").delete_count
    seen["count_after_delete"] = collection.query("", output_fields=["count(*)"], consistency_level="Strong")[0]["count(*)"]
    seen["deleted_ids_left"] = len(collection.query("id in [0, 4, 5]", output_fields=["id"], consistency_level="Strong"))

    # bad requests: the status code class must agree between targets (messages may differ)
    seen["bad_expression"] = attempt(lambda: collection.query("id in [1, 2", output_fields=["n"]))
    seen["wrong_dim"] = attempt(lambda: collection.search([[0.1] * 3], "vec", search_params, limit=10))
    seen["topk_too_big"] = attempt(lambda: collection.search([samples[0][1]], "vec", search_params, limit=16_385))
    collection.release()
    seen["search_after_release"] = attempt(lambda: collection.search([samples[0][1]], "vec", search_params, limit=10))
    utility.drop_collection(name)
    seen["exists_after_drop"] = utility.has_collection(name)
    seen["unknown_collection"] = attempt(lambda: Collection("conf_py_missing"))
    for key, value in seen.items():
        if isinstance(value, dict) and value.get("ok") is True:
            value["value"] = None  # results of unexpected successes are not comparable
    print("RESULT " + json.dumps(seen, default=str), flush=True)
    connections.disconnect("default")


if __name__ == "__main__":
    main()
