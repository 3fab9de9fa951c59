using System.CommandLine;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Storage;
using Mandate.Policy;
using Mandate.Server.Endpoints;
using Mandate.Server.Hosting;
using Spectre.Console;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate serve</c>: runs the broker.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var listen = new Option<string?>("--listen") { Description = "Listen on this URL instead of the configuration's listen: (default http://127.0.0.1:8080), e.g. http://127.0.0.1:9090" };
        var node = new Option<string?>("--node") { Description = $"This node's name in audit records and key rows (overrides 'node:' and ${NodeName.EnvironmentVariable}); default the machine name" };
        var initNewStore = new Option<bool>("--init-new-store") { Description = "Create a new, empty store although the data directory holds a key-encryption key or WAL of an earlier one" };
        var command = new Command("serve", "Run the broker: token exchange, introspection, revocation, JWKS and the admin socket")
        {
            config,
            listen,
            node,
            initNewStore,
        };
        command.SetAction(async (parse, ct) =>
        {
            var options = CommonOptions.LoadConfig(parse.GetValue(config)!);
            if (options is null)
            {
                return ExitCodes.Usage;
            }

            try
            {
                options = NodeName.Apply(options, parse.GetValue(node), Environment.GetEnvironmentVariable);
                await using var app = await MandateServer.CreateAsync(options, new MandateHostOptions { ListenUrl = parse.GetValue(listen), InitNewStore = parse.GetValue(initNewStore) }, ct);
                await app.StartAsync(ct);
                PrintBanner(options, app);
                await app.WaitForShutdownAsync(ct);
                app.ThrowIfBackgroundServiceFailed();
                return ExitCodes.Ok;
            }
            catch (MandateConfigException e)
            {
                CommonOptions.Report(e, parse.GetValue(config));
                return ExitCodes.Usage;
            }
            catch (StoreException e)
            {
                return Refused(e);
            }
            catch (PolicyLoadException e)
            {
                return Refused(e);
            }
            catch (IOException e)
            {
                return Refused(e);
            }
            catch (UnauthorizedAccessException e)
            {
                // A path in the configuration this user may not create (admin_socket, a key file): it names the path.
                return Refused(e);
            }
            catch (BackgroundServiceFailedException e)
            {
                Output.Error(e.Message);
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    // A store that cannot be used, a policy that does not load, a file that cannot be read or written: one line, exit 2.
    private static int Refused(Exception e)
    {
        Output.Error(e.Message);
        return ExitCodes.Usage;
    }

    private static void PrintBanner(MandateOptions options, MandateApp app)
    {
        Output.Line($"[bold]Mandate[/] broker [green]listening[/] on {Output.Escape(app.BaseAddress.ToString())}");
        Output.Line($"  issuer        {Output.Escape(options.Issuer)}");
        Output.Line($"  trust domain  {Output.Escape(options.TrustDomain)} ({Output.Escape(options.Environment)})");
        Output.Line($"  policy        {Output.Escape(app.Runtime.Policy.Current.Version)} ({app.Runtime.Policy.Current.Rules.Length} rules) from {Output.Escape(options.PolicyPath)}");
        Output.Line($"  node          {Output.Escape(options.Node)}");
        Output.Line($"  store         {Output.Escape(app.Runtime.Store.Description)}");
        Output.Line($"  signing key   {Output.Escape(app.Runtime.Keys.Current.Active.Kid)} (sealed with {Output.Escape(app.Runtime.Kek.Source)})");
        if (app.Runtime.CheckpointKeys is { } checkpointKeys)
        {
            Output.Line($"  audit keys    {Output.Escape(checkpointKeys.Current.Active.Kid)} (checkpoint key, published at {Output.Escape(options.Issuer.TrimEnd('/') + AuditJwksEndpoint.Path)})");
        }

        Output.Line($"  admin socket  {Output.Escape(options.AdminSocket)}");
        if (app.ConsoleAddress is { } console)
        {
            Output.Line($"  web console   {Output.Escape((options.Console.PublicUrl ?? console).ToString())}");
        }

        if (app.ProxyListener.Address is { } proxy)
        {
            Output.Line($"  egress proxy  {Output.Escape(proxy.ToString())}");
        }

        if (app.Runtime.Spiffe is { } spiffe)
        {
            Output.Line($"  spiffe CA     spiffe://{Output.Escape(options.TrustDomain)} serial {Output.Escape(spiffe.CaCertificate.SerialNumber)}, expires {spiffe.CaCertificate.NotAfter.ToUniversalTime():u}");
            Output.Line($"  workload api  {Output.Escape(options.Spiffe.WorkloadSocket)} (bundle at {Output.Escape(options.Issuer.TrimEnd('/'))}/.well-known/spiffe-bundle)");
            Output.Line($"  spiffe api    SPIFFE_ENDPOINT_SOCKET=unix://{Output.Escape(options.Spiffe.EndpointSocket)} (gRPC, for SPIFFE client libraries)");
        }

        Output.Line("[grey]Press Ctrl+C to stop.[/]");
    }
}
