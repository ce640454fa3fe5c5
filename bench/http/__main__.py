from bench.http.main import main

raise SystemExit(main())
