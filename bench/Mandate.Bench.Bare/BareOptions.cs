using Microsoft.Extensions.Configuration;

namespace Mandate.Bench.Bare;

/// <summary>
/// Command-line settings (<c>--Listen</c>, <c>--WorkloadJwks</c>, ...). The bench script passes the same
/// issuers, JWKS files and audience the broker it runs against is configured with.
/// </summary>
internal sealed record BareOptions
{
    /// <summary>Kestrel URL. Default <c>http://127.0.0.1:8090</c>.</summary>
    public string Listen { get; init; } = "http://127.0.0.1:8090";

    /// <summary>The <c>aud</c> both incoming tokens must carry (the broker's issuer URL) and the <c>iss</c> of the signed token.</summary>
    public required string Audience { get; init; }

    public required string WorkloadIssuer { get; init; }

    /// <summary>JWKS file of the workload issuer (public keys), as the broker reads it.</summary>
    public required string WorkloadJwks { get; init; }

    public required string UserIssuer { get; init; }

    /// <summary>JWKS file of the user issuer (public keys).</summary>
    public required string UserJwks { get; init; }

    /// <summary>Lifetime of the signed token, in seconds. Default 300, the quickstart's default lifetime.</summary>
    public int LifetimeSeconds { get; init; } = 300;

    /// <summary>SQLite file for one group-committed audit row per exchange ("bare + audit"); none when unset.</summary>
    public string? AuditDb { get; init; }

    public static BareOptions From(IConfiguration configuration) => new()
    {
        Listen = configuration["Listen"] ?? "http://127.0.0.1:8090",
        Audience = Required(configuration, "Audience"),
        WorkloadIssuer = Required(configuration, "WorkloadIssuer"),
        WorkloadJwks = Required(configuration, "WorkloadJwks"),
        UserIssuer = Required(configuration, "UserIssuer"),
        UserJwks = Required(configuration, "UserJwks"),
        LifetimeSeconds = int.TryParse(configuration["LifetimeSeconds"], out var s) ? s : 300,
        AuditDb = configuration["AuditDb"] is { Length: > 0 } auditDb ? auditDb : null,
    };

    private static string Required(IConfiguration configuration, string name) =>
        configuration[name] is { Length: > 0 } value ? value : throw new InvalidOperationException($"--{name} is required");
}
