using Mandate.Examples.Mcp;

// dotnet run --project examples/mcp -- --broker http://127.0.0.1:8080 --urls http://127.0.0.1:5100 [--issuer URL] [--resource URL]
return await PaymentsMcpServer.RunAsync(args);
