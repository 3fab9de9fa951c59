using Mandate.Testing;
using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Credentials;

/// <summary>
/// A fresh broker with the credential-kind tools per test. With PostgreSQL (<see cref="UsesPostgres"/>) it
/// gets its own schemas and role prefix. The clock starts at the real time (or <see cref="ClockBehind"/> it), because
/// PostgreSQL enforces VALID UNTIL by its own clock.
/// </summary>
public abstract class CredentialKindTest : IAsyncLifetime
{
    private readonly string _adminFile = Path.Combine(Path.GetTempPath(), "mdt-pg-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _downFile = Path.Combine(Path.GetTempPath(), "mdt-pgdown-" + Guid.NewGuid().ToString("N")[..10]);
    private BrokerHarness? _broker;
    private TestPostgres? _pg;

    protected BrokerHarness Broker => _broker ?? throw new InvalidOperationException("the broker is not started");

    protected TestPostgres Pg => _pg ?? throw new InvalidOperationException("this test class does not use PostgreSQL");

    protected virtual bool UsesPostgres => true;

    /// <summary>Whether the broker's issuer is its own address on 127.0.0.1, so a client can discover it from the issuer alone.</summary>
    protected virtual bool AtItsIssuer => false;

    /// <summary>How far the broker's clock starts behind the real time (which a third-party client validates by).</summary>
    protected virtual TimeSpan ClockBehind => TimeSpan.Zero;

    public async Task InitializeAsync()
    {
        string host = "127.0.0.1", database = "unused", prefix = "mdt_", sales = "sales";
        var port = 5432;
        if (UsesPostgres)
        {
            _pg = await TestPostgres.CreateAsync();
            (host, port, database, prefix, sales) = (_pg.Builder.Host!, _pg.Builder.Port, _pg.Builder.Database!, _pg.Prefix, _pg.Sales);
            await File.WriteAllTextAsync(_adminFile, TestPostgres.ConnectionString);
        }
        else
        {
            await File.WriteAllTextAsync(_adminFile, "Host=127.0.0.1;Port=1;Username=nobody;Database=nowhere");
        }

        // Port 1 on loopback: nothing listens, so every admin connection is refused at once.
        await File.WriteAllTextAsync(_downFile, "Host=127.0.0.1;Port=1;Username=admin;Password=admin-secret-never-shown;Database=nowhere;Timeout=3");
        var configuration = CredentialKindsBroker.Configuration(_adminFile, _downFile, prefix, host, port, database, sales);
        _broker = AtItsIssuer
            ? await BrokerHarness.StartAtIssuerAsync(CredentialKindsBroker.Policy, configuration, DateTimeOffset.UtcNow - ClockBehind)
            : await BrokerHarness.StartAsync(CredentialKindsBroker.Policy, configuration: configuration);
        _broker.Clock.Advance(DateTimeOffset.UtcNow - ClockBehind - _broker.Now);
    }

    /// <summary>An exchange of the support agent (for alice, tenant acme) for <paramref name="resource"/>.</summary>
    protected ExchangeRequest Request(string resource, string scope, string? run = null) => new()
    {
        ActorToken = Broker.Svid(TestBroker.SupportAgent),
        SubjectToken = Broker.UserToken(),
        Resource = resource,
        Scope = scope,
        Run = run,
    };

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_pg is not null)
        {
            await _pg.DisposeAsync();
        }

        File.Delete(_adminFile);
        File.Delete(_downFile);
    }
}
