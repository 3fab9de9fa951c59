using Mandate.Examples.Tools;

// dotnet run --project examples/tools/CodeHost -- --urls http://127.0.0.1:7103 [--issuer URL] [--broker URL] [--workload-token-file PATH]
var app = ToolService.Build(ToolService.FromArgs(ToolKind.Code, args));
await app.RunAsync();
