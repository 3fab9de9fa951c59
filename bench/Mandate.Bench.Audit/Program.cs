using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Mandate.Bench.Audit -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Mandate.Bench.Audit.AuditEncodingBenchmarks).Assembly).Run(args);
