using System.Net;
using Mandate.Core.Audit;

namespace Mandate.Server.Tests.Console;

/// <summary>
/// Invariant 5 in the console: a revocation's value is an identity value copied into the audit record, so the revoke
/// form refuses one with control, format or separator characters (which could reorder or forge what an operator reads).
/// </summary>
[Trait("Invariant", "5")]
public sealed class RevocationConsoleTests : ConsoleTest
{
    [Theory]
    [InlineData("alice\r\nkind=issuance")]
    [InlineData("ecila\u202Eevil")]
    [InlineData("al\u200Bice")]
    public async Task Invariant5_RevokeValueWithControlOrFormatCharacters_Returns400AndChangesNothing(string value)
    {
        var admin = await OneTimeAdminAsync();
        var token = (await admin.GetAsync("/revocations")).Token();

        var confirm = await admin.GetAsync($"/revocations/confirm?target=user&value={Uri.EscapeDataString(value)}");
        var posted = await admin.PostAsync("/revocations", token, ("target", "user"), ("value", value), ("reason", "probe"));

        Assert.Equal(HttpStatusCode.BadRequest, confirm.Status);
        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.Contains("no bidirectional or zero-width format characters", posted.Html, StringComparison.Ordinal);
        Assert.Equal(0, Broker.Runtime.Revocations.Count);
        Assert.Empty(await Broker.AuditEventsAsync(AuditKinds.Revocation));
    }
}
