using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Mandate.Bench.Policy -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Mandate.Bench.Policy.PolicyDecisionBenchmarks).Assembly).Run(args);
