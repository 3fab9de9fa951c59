using Mandate.Examples.Tools;

// dotnet run --project examples/tools/Crm -- --urls http://127.0.0.1:7102 [--issuer URL] [--broker URL] [--workload-socket PATH | --workload-token-file PATH] [--config PATH]
return await ToolService.RunAsync(ToolKind.Crm, args);
