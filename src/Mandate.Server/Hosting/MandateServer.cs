using Mandate.Core.Configuration;
using Mandate.Server.Admin;
using Mandate.Server.Endpoints;
using Mandate.Server.Http;
using Mandate.Server.WorkloadApi;
using Mandate.Server.Proxy;
using Mandate.Server.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mandate.Server.Hosting;

/// <summary>Builds the broker's web application: Kestrel listeners, endpoints, error handling.</summary>
public static class MandateServer
{
    /// <summary>Opens the runtime and builds the app; call <c>StartAsync</c>/<c>RunAsync</c> on the result.</summary>
    public static async Task<MandateApp> CreateAsync(MandateOptions options, MandateHostOptions host, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        // The content root is the binary's folder and ASP.NET's own configuration sources are dropped: Mandate is
        // configured by its YAML file, and the default file watchers would otherwise watch the working directory
        // recursively (including the store's WAL file, waking on every commit).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Mandate", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.SetMinimumLevel(host.LogLevel);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        // Its request logs are Information and Debug, never shown under the filter above; enabled at all, it would start
        // an activity and a log scope for every request (CallerTrace continues a caller's trace instead).
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // The host's own entries as one line each, without those for a fault the broker reports itself (a failed start, a background service).
        HostLogLines.AddTo(builder.Logging, System.Console.Error, host.Time);
        host.ConfigureLogging?.Invoke(builder.Logging);
        var listenUrl = host.ListenUrl ?? options.Listen;
        var listen = ListenAddress.Parse(listenUrl, options.SenderConstraint.Tls is not null);

        // Before anything is opened or written: one broker per data directory, and a port that is free.
        var brokerLock = BrokerLock.Acquire(options.DataDirectory);
        MandateRuntime? runtime = null;
        ILoggerFactory? runtimeLoggers = null;
        try
        {
            EnsureFree(listen, listenUrl, "listen");
            if ((host.ProxyListenUrl ?? options.Proxy.Listen) is { } proxyUrl)
            {
                EnsureFree(ListenAddress.Parse(proxyUrl), proxyUrl, "proxy.listen");
            }

            var mandate = builder.Services.AddMandate(options, host).UseConfiguredStore();
            runtimeLoggers = RuntimeLoggers(host);
            runtime = await MandateRuntime.OpenAsync(mandate, runtimeLoggers, cancellationToken);
            Proxy.ProxyOriginCheck.Log(runtimeLoggers, options.Proxy, host.ProxyListenUrl ?? options.Proxy.Listen);
            mandate.UseRuntime(runtime);
            if (options.Console.Listen is { } consoleUrl)
            {
                EnsureFree(ListenAddress.Parse(consoleUrl, options.SenderConstraint.Tls is not null), consoleUrl, "console.listen");
            }

            var app = Build(builder, options, host, listen, out var sockets, out var proxyListener);
            var console = Console.ConsoleHost.Build(options, host, app.Services);
            return new MandateApp(app, runtime) { ProxyListener = proxyListener, Lock = brokerLock, Sockets = sockets, ListenUrl = listenUrl, Console = console, RuntimeLoggers = runtimeLoggers };
        }
        catch
        {
            if (runtime is not null)
            {
                await runtime.DisposeAsync();
            }

            runtimeLoggers?.Dispose();
            brokerLock.Dispose();
            throw;
        }
    }

    private static WebApplication Build(
        WebApplicationBuilder builder, MandateOptions options, MandateHostOptions host, ListenAddress listen,
        out IReadOnlyList<(UnixSocketFile File, UnixFileMode Mode)> sockets, out Proxy.ProxyListener proxyListener)
    {

        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = FormReader.MaxBodyBytes;
            k.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            ListenerLimits.Apply(k.Limits, options.Limits);
            ContentLengthDigits.Apply(k);
        });
        var admin = host.AdminSocket ? UnixSocketFile.Prepare(options.AdminSocket) : null;
        var workload = options.Spiffe.Enabled && host.WorkloadSocket ? UnixSocketFile.Prepare(options.Spiffe.WorkloadSocket) : null;
        var endpoint = options.Spiffe.Enabled && host.WorkloadSocket ? UnixSocketFile.Prepare(options.Spiffe.EndpointSocket) : null;
        var proxy = new Proxy.ProxyListener();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(listen.Address, listen.Port, l =>
            {
                ListenerLimits.CapConnections(l, options.Limits, "oauth");
                if (listen.Https)
                {
                    SenderConstraint.TlsListener.Configure(l, options.SenderConstraint.Tls!);
                }
            });
            if (admin is not null)
            {
                k.ListenUnixSocket(admin.BindPath);
            }

            if (workload is not null)
            {
                // A separate listener: its connections are marked (with the caller's peer credentials) so only the workload API answers them.
                k.ListenUnixSocket(workload.BindPath, l => l.Use(WorkloadConnection.Mark));
            }

            if (endpoint is not null)
            {
                // The SPIFFE Workload API is gRPC: HTTP/2 without TLS (Workload Endpoint spec §3), so this socket speaks nothing else.
                k.ListenUnixSocket(endpoint.BindPath, l =>
                {
                    l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2;
                    l.Use(WorkloadConnection.MarkSpiffeEndpoint);
                });
            }

            proxy.Listen(k, options.Proxy, options.Limits, host.ProxyListenUrl);
        });
        proxyListener = proxy;

        // Only the owner may use the admin API (0600); any local process may ask the workload endpoint (0666):
        // attestation, not the file mode, decides what it gets.
        var published = new List<(UnixSocketFile, UnixFileMode)>();
        if (admin is not null)
        {
            published.Add((admin, UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        foreach (var anyone in new[] { workload, endpoint })
        {
            if (anyone is not null)
            {
                published.Add((anyone, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite));
            }
        }

        sockets = published;
        builder.Services.Replace(ServiceDescriptor.Singleton(new ServedSockets(published)));
        builder.Services.AddSingleton<Console.ConsoleLoginCodes>();
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);

        var app = builder.Build();
        if (Telemetry.TelemetryRegistrations.IsOn(options, host))
        {
            app.UseMandateSpans();
            _ = app.Services.GetRequiredService<Telemetry.TelemetryGauges>();
            _ = app.Services.GetRequiredService<Telemetry.KeyAndPolicyGauges>();
        }
        else
        {
            app.UseCallerTrace();
        }

        app.UseClientRequestBody();
        app.UseStartupGate();
        app.UseEgressProxy();
        app.UseImplementedMethods();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = InternalFaultAsync,

            // A body the client broke (framing, length, a stalled upload) is answered 4xx, not logged as a server fault.
            SuppressDiagnosticsCallback = context => ClientRequestBody.ClientStatus(context.Exception) is not null,
        });
        app.UseStoreOutages();
        app.UseStatusCodePages();
        if (endpoint is not null)
        {
            WorkloadApi.SpiffeEndpoint.SpiffeEndpointGuard.UseSpiffeEndpointOnly(app);
        }

        MapEndpoints(app);
        return app;
    }

    /// <summary>Finds a taken TCP port before anything is opened or recorded (port 0 always binds).</summary>
    private static void EnsureFree(ListenAddress listen, string url, string setting)
    {
        if (listen.Port == 0)
        {
            return;
        }

        var probe = new System.Net.Sockets.TcpListener(listen.Address, listen.Port);
        try
        {
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            throw new ListenerInUseException(url, e, setting);
        }
        finally
        {
            probe.Stop();
        }
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapPost(TokenEndpoint.Path, TokenEndpoint.HandleAsync);
        app.MapPost(IntrospectionEndpoint.Path, IntrospectionEndpoint.HandleAsync);
        app.MapPost(RevocationEndpoint.Path, RevocationEndpoint.HandleAsync);
        app.MapPost(EvidenceEndpoint.Path, EvidenceEndpoint.HandleAsync);
        foreach (var path in new[] { TokenEndpoint.Path, IntrospectionEndpoint.Path, RevocationEndpoint.Path })
        {
            // Every other standard method (TRACE included; ImplementedMethods answers the rest 501), after the POST route: RFC 9110 §15.5.6, the
            // 405 lists only what the resource supports (routing's own 405 would name every method mapped here).
            app.Map(path, MethodNotAllowedAsync).WithOrder(1);
        }

        foreach (var path in MetadataEndpoints.MetadataPaths(app.Services.GetRequiredService<MandateOptions>().Issuer))
        {
            app.MapPublicDocument(path, MetadataEndpoints.Metadata);
        }

        app.MapPublicDocument(MetadataEndpoints.JwksPath, MetadataEndpoints.Jwks);
        app.MapPublicDocument(AuditJwksEndpoint.Path, AuditJwksEndpoint.Handle);
        app.MapFederation();
        app.MapGetAndHead("/healthz", () => Results.Text("ok"));
        app.MapAdmin();
        if (app.Services.GetService<Core.Spiffe.SpiffeAuthority>() is not null)
        {
            app.MapPublicDocument(SpiffeBundleEndpoint.Path, SpiffeBundleEndpoint.Handle);
            app.MapWorkloadApi();
            app.MapGrpcService<WorkloadApi.SpiffeEndpoint.SpiffeWorkloadApiService>();
        }
    }

    private static Task MethodNotAllowedAsync(HttpContext http)
    {
        http.Response.Headers.Allow = "POST";
        return OAuthResponses.WriteErrorAsync(http, FormChecks.MethodNotAllowed.Refuse("use POST with an application/x-www-form-urlencoded body"));
    }

    /// <summary>
    /// A request the client could not send properly (broken framing, a body cut short, over a limit) is answered
    /// with its 4xx status. Anything else is a genuine internal fault: fail closed with a generic body; the detail
    /// goes to the log only.
    /// </summary>
    private static Task InternalFaultAsync(HttpContext http)
    {
        var error = http.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Error;
        return ClientRequestBody.ClientStatus(error) is { } status
            ? OAuthResponses.WriteErrorAsync(http, ClientRequestBody.Refusal(status), status)
            : OAuthResponses.WriteErrorAsync(http, new Core.Protocol.OAuthError(Core.Protocol.OAuthConstants.Errors.ServerError, "internal error; nothing was issued"), StatusCodes.Status500InternalServerError);
    }

    /// <summary>
    /// The loggers of what the runtime opens before the app exists (the policy provider, the store, the key rings). They
    /// log for the broker's whole life (a policy rejected at reload, a key refused), so they go where the app's logs go,
    /// including <see cref="MandateHostOptions.ConfigureLogging"/>, and live until the app is disposed.
    /// </summary>
    private static ILoggerFactory RuntimeLoggers(MandateHostOptions host) => LoggerFactory.Create(logging =>
    {
        logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        logging.SetMinimumLevel(host.LogLevel);
        host.ConfigureLogging?.Invoke(logging);
    });
}
