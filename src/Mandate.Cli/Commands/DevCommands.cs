using System.CommandLine;
using Mandate.Core.Configuration;
using Mandate.Core.Development;

namespace Mandate.Cli.Commands;

/// <summary><c>mandate dev token</c>: signs test identity tokens with a development issuer's generated key.</summary>
internal static class DevCommands
{
    public static Command Create()
    {
        var config = CommonOptions.Config();
        var issuer = new Option<string>("--issuer", "-i") { Description = "Name of a dev_signer issuer in the configuration", Required = true };
        var subject = new Option<string>("--sub", "-s") { Description = "Subject: a SPIFFE ID for workload issuers, a user id for user issuers", Required = true };
        var audience = new Option<string?>("--aud") { Description = "Audience; default: the issuer's configured audience, else Mandate's issuer URL" };
        var tenant = new Option<string?>("--tenant") { Description = "Tenant claim for user tokens (uses the issuer's tenant_claim)" };
        var claims = new Option<string[]>("--claim") { Description = "Extra claim NAME=VALUE (repeatable)", AllowMultipleArgumentsPerToken = false };
        var ttl = new Option<string>("--ttl") { Description = "Lifetime, e.g. 10m", DefaultValueFactory = _ => "10m" };
        var token = new Command("token", "Print a signed test token from a development issuer (dev_signer: true). Never for production.")
        {
            config, issuer, subject, audience, tenant, claims, ttl,
        };
        token.SetAction(parse =>
        {
            var options = CommonOptions.LoadConfig(parse.GetValue(config)!);
            if (options is null)
            {
                return ExitCodes.Usage;
            }

            var name = parse.GetValue(issuer)!;
            var issuerOptions = options.Issuers.FirstOrDefault(i => i.Name == name);
            if (issuerOptions is not { DevSigner: true })
            {
                Output.Error($"issuer '{name}' is not a dev_signer issuer in {parse.GetValue(config)} (dev_signer issuers: {string.Join(", ", options.Issuers.Where(i => i.DevSigner).Select(i => i.Name))})");
                return ExitCodes.Usage;
            }

            var ttlText = parse.GetValue(ttl)!;
            if (!Duration.TryParse(ttlText, out var lifetime))
            {
                Output.Error(CommonOptions.TooLongDuration("--ttl", ttlText) ?? $"--ttl: '{ttlText}' is not a duration; {Duration.Rule}");
                return ExitCodes.Usage;
            }

            var now = DateTimeOffset.UtcNow;
            if (lifetime > DateTimeOffset.MaxValue - now)
            {
                Output.Error($"--ttl: '{ttlText}' is too long; the token would expire after the year 9999: give a lifetime such as 10m");
                return ExitCodes.Usage;
            }

            var extra = new Dictionary<string, object>();
            if (parse.GetValue(tenant) is { } t)
            {
                extra[issuerOptions.TenantClaim] = t;
            }

            foreach (var pair in parse.GetValue(claims) ?? [])
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                {
                    Output.Error($"--claim '{pair}' must be NAME=VALUE");
                    return ExitCodes.Usage;
                }

                extra[pair[..eq]] = pair[(eq + 1)..];
            }

            DevIssuer dev;
            try
            {
                dev = DevIssuer.Ensure(issuerOptions, options.DataDirectory);
            }
            catch (MandateConfigException e)
            {
                CommonOptions.Report(e);
                return ExitCodes.Usage;
            }

            using (dev)
            {
                Output.Plain(dev.CreateToken(parse.GetValue(subject)!, parse.GetValue(audience) ?? issuerOptions.Audience ?? options.Issuer, lifetime, extra, now));
            }

            return ExitCodes.Ok;
        });
        return new Command("dev", "Development helpers (test identities for the quickstart and your own experiments)") { token };
    }
}
