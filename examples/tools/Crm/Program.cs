using Mandate.Examples.Tools;

// dotnet run --project examples/tools/Crm -- --urls http://127.0.0.1:7102 [--issuer URL] [--broker URL] [--workload-token-file PATH]
var app = ToolService.Build(ToolService.FromArgs(ToolKind.Crm, args));
await app.RunAsync();
