using Mandate.Examples.Tools;

// dotnet run --project examples/tools/Refunds -- --urls http://127.0.0.1:7101 [--issuer URL] [--broker URL] [--workload-socket PATH | --workload-token-file PATH] [--config PATH]
return await ToolService.RunAsync(ToolKind.Refunds, args);
