module aksarc-bench/gowebhook

go 1.19
