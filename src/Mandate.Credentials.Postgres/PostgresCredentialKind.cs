using System.Globalization;
using System.Security.Cryptography;
using Mandate.Core.Configuration;
using Mandate.Core.Credentials;
using Mandate.Core.Protocol;
using Mandate.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Mandate.Credentials.Postgres;

/// <summary>
/// Kind <c>postgres</c>: creates a role with a random password, <c>VALID UNTIL</c> the credential's expiry
/// and exactly the granted scopes' statements, and returns a connection URI with the role's lease as a side
/// row. When the issuance cannot be recorded, <see cref="MintedCredential.Compensate"/> drops the role again.
/// </summary>
public sealed partial class PostgresCredentialKind : ICredentialKind
{
    private readonly PostgresAdminConnections _connections;
    private readonly ILogger _logger;

    public PostgresCredentialKind(PostgresAdminConnections connections, ILogger<PostgresCredentialKind> logger)
    {
        _connections = connections;
        _logger = logger;
    }

    public CredentialKind Kind => CredentialKind.Postgres;

    public string IssuedTokenType => CredentialTokenTypes.PostgresCredentials;

    public bool IssuableAfterApproval => false;

    public async ValueTask<Result<MintedCredential>> MintAsync(CredentialRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (claims, tool) = (request.Claims, request.Tool);
        var pg = tool.Postgres ?? throw new InvalidOperationException($"tool '{tool.Name}' is not configured as kind postgres");
        // The name comes from randomness only, never from the request, so it needs no escaping beyond quoting.
        var role = pg.RolePrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
        var password = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        var grants = claims.Scopes.SelectMany(s => pg.Grants[s])
            .Select(g => g.Replace(PostgresToolOptions.RolePlaceholder, PostgresRoles.Quote(role), StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        NpgsqlDataSource admin;
        try
        {
            admin = _connections.For(tool);
            await PostgresRoles.CreateAsync(admin, role, password, claims.ExpiresAt, grants, cancellationToken);
        }
        catch (Exception e) when (e is PostgresAdminUnavailableException or NpgsqlException or TimeoutException)
        {
            var reason = Describe(e);
            LogCreateFailed(_logger, tool.Name, claims.DecisionId, reason);
            return CredentialChecks.DatabaseUnavailable.Refuse(
                $"the database of tool '{tool.Name}' could not create a login ({reason}), so no credential was issued; retry shortly, and if it persists an operator should check the tool's postgres settings",
                reason);
        }

        var lease = new DatabaseLease
        {
            Role = role,
            Tool = tool.Name,
            Jti = claims.Jti,
            Run = claims.Run,
            Tenant = claims.Tenant,
            Agent = claims.Agent,
            User = request.User,
            IssuedAt = claims.IssuedAt,
            ExpiresAt = claims.ExpiresAt,
        };
        return new MintedCredential
        {
            Value = ConnectionUri(pg, role, password),
            IssuedTokenType = IssuedTokenType,
            TokenType = CredentialTokenTypes.NotApplicable,
            Evidence = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["credential_kind"] = "postgres",
                ["pg_role"] = role,
                ["pg_host"] = pg.Host,
                ["pg_port"] = pg.Port.ToString(CultureInfo.InvariantCulture),
                ["pg_database"] = pg.Database,
                ["pg_valid_until"] = claims.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            },
            // The lease commits with the issuance record, so the reaper drops the role even after a restart.
            SideRows = new StoreBatch(lease),
            // Runs to the end even when the request was cancelled: the password exists nowhere else now.
            Compensate = _ => DropAsync(admin, tool.Name, role),
        };
    }

    /// <summary>A libpq connection URI; role and password hold only URL-safe characters.</summary>
    internal static string ConnectionUri(PostgresToolOptions pg, string role, string password)
    {
        var host = pg.Host.Contains(':', StringComparison.Ordinal) ? $"[{pg.Host}]" : pg.Host;
        return $"postgresql://{role}:{password}@{host}:{pg.Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(pg.Database)}";
    }

    /// <summary>A client-safe reason: the SQLSTATE or the failure's kind, never a statement or connection string.</summary>
    internal static string Describe(Exception e) => e switch
    {
        PostgresException p => $"SQLSTATE {p.SqlState}",
        PostgresAdminUnavailableException a => a.Message,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException s } => $"cannot reach the database: {s.SocketErrorCode}",
        NpgsqlException { InnerException: TimeoutException } or TimeoutException => "the database did not answer in time",
        _ => "cannot reach the database",
    };

    private async Task DropAsync(NpgsqlDataSource admin, string tool, string role)
    {
        try
        {
            await PostgresRoles.DropAsync(admin, role, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // Nothing was handed out and the password exists nowhere else; VALID UNTIL still bounds the role.
            LogUndoFailed(_logger, tool, role, Describe(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "postgres tool {Tool}: could not create a login for decision {DecisionId}: {Reason}")]
    private static partial void LogCreateFailed(ILogger logger, string tool, string decisionId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "postgres tool {Tool}: the issuance was not recorded and role {Role} could not be dropped again ({Reason}); it expires by VALID UNTIL")]
    private static partial void LogUndoFailed(ILogger logger, string tool, string role, string reason);
}
