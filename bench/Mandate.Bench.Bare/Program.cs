using System.Net;
using Mandate.Bench.Bare;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The crypto floor for bench/run.sh: the same Kestrel settings as the broker, one endpoint, no logging per request.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var options = BareOptions.From(builder.Configuration);
var listen = new Uri(options.Listen);
builder.WebHost.UseKestrel(k =>
{
    k.AddServerHeader = false;
    k.Listen(IPAddress.Parse(listen.Host), listen.Port);
});

using var endpoint = new CryptoFloorEndpoint(options);
var app = builder.Build();
app.MapPost(CryptoFloorEndpoint.Path, endpoint.HandleAsync);
app.MapGet("/healthz", () => "ok");
await app.RunAsync();
