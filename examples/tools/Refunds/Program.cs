using Mandate.Examples.Tools;

// dotnet run --project examples/tools/Refunds -- --urls http://127.0.0.1:7101 [--issuer URL] [--broker URL] [--workload-token-file PATH]
var app = ToolService.Build(ToolService.FromArgs(ToolKind.Refunds, args));
await app.RunAsync();
