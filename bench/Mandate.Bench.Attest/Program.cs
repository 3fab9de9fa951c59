using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Mandate.Bench.Attest -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Mandate.Bench.Attest.AttestationBenchmarks).Assembly).Run(args);
