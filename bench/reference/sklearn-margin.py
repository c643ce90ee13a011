"""scikit-learn's active-learning reference for bench/active-learning.bench.ts (Debian's python3-sklearn):
HashingVectorizer(n_features=N, alternate_sign=False) + LogisticRegression(C=10) + margin sampling,
on the texts, split and seed labels the bench sends as JSON on stdin. Prints the mean validation
accuracy after each batch as JSON: [accuracy with SEED labels, + BATCH, + 2 BATCH, ...]."""
import json
import sys

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

job = json.load(sys.stdin)
x = HashingVectorizer(n_features=job["dims"], alternate_sign=False).transform(job["texts"])
y = np.array(job["gold"])
train = np.array(job["train"])
validation = np.array(job["validation"])
curves = []
for seed_rows in job["seeds"]:
    labeled = list(seed_rows)
    curve = []
    while True:
        model = LogisticRegression(C=10, max_iter=1000).fit(x[labeled], y[labeled])
        curve.append(float((model.predict(x[validation]) == y[validation]).mean()))
        if len(labeled) >= job["max"]:
            break
        pool = np.setdiff1d(train, labeled)
        p = np.sort(model.predict_proba(x[pool]), axis=1)
        margin = p[:, -1] - p[:, -2]
        labeled += pool[np.argsort(margin, kind="stable")[: job["batch"]]].tolist()
    curves.append(curve)
print(json.dumps(np.mean(np.array(curves), axis=0).tolist()))
