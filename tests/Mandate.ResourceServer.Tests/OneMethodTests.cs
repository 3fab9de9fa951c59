using Mandate.Examples.Tools;
using Mandate.ResourceServer.Tests.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mandate.ResourceServer.Tests;

/// <summary>
/// RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the token in each request." A credential in the
/// header beside a form-body (§2.2) or query (§2.3) <c>access_token</c> is <c>400 invalid_request</c> (§3.1), and the
/// endpoint behind the check still reads its form.
/// </summary>
public sealed class OneMethodTests : ToolTest
{
    private int _calls;
    private ToolClient? _notes;

    private ToolClient Notes => _notes ?? throw new InvalidOperationException("not started");

    private async Task StartNotesAsync() => _notes = await Harness.StartToolAsync(ToolKind.Refunds, endpoints: MapNotes);

    [Fact]
    public async Task HeaderAndFormBody_Is400InvalidRequest_AndTheEndpointDoesNotRun()
    {
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Notes.SendAsync(HttpMethod.Post, "/notes", credential, "Bearer", null,
            r => r.Content = Form(("access_token", credential), ("note", "refund o-1001")));

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.Contains("one method per request", reply.Description, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Split('.')[2], string.Join("\n", reply.Challenges) + reply.Body, StringComparison.Ordinal);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task HeaderAndFormBodyWithCharset_Is400InvalidRequest()
    {
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var body = new StringContent("note=x&access_token=" + credential);
        body.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("Application/X-WWW-Form-Urlencoded; charset=utf-8");

        var reply = await Notes.SendAsync(HttpMethod.Put, "/notes", credential, "Bearer", null, r => r.Content = body);

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task FormBodyAndQuery_Is400InvalidRequest()
    {
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Notes.SendAsync(HttpMethod.Post, "/notes?access_token=" + credential, null, "Bearer", null,
            r => r.Content = Form(("access_token", credential), ("note", "n")));

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task FormBodyOnly_IsNoCredential_401WithABareChallenge()
    {
        // §2.2 is a MAY for resource servers and this library does not take it; §3.1: no error code for an unsupported method.
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Notes.SendAsync(HttpMethod.Post, "/notes", null, "Bearer", null, r => r.Content = Form(("access_token", credential), ("note", "n")));

        Assert.Equal(401, reply.Status);
        Assert.Null(reply.Error);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task HeaderAndFormOverTheFormLimits_Is400InvalidRequest_Not500()
    {
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        // FormOptions.ValueCountLimit is 1,024 fields by default.
        var fields = Enumerable.Range(0, 1100).Select(i => ($"f{i}", "v")).ToArray();

        var reply = await Notes.SendAsync(HttpMethod.Post, "/notes", credential, "Bearer", null, r => r.Content = Form(fields));

        Assert.Equal(400, reply.Status);
        Assert.Equal("invalid_request", reply.Error);
        Assert.Contains("form limits", reply.Description, StringComparison.Ordinal);
        Assert.Equal(0, _calls);
    }

    [Fact]
    public async Task HeaderAndAFormWithoutAccessToken_TheEndpointReadsItsForm()
    {
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");

        var reply = await Notes.SendAsync(HttpMethod.Post, "/notes", credential, "Bearer", null, r => r.Content = Form(("note", "refund o-1001"), ("amount", "25.5")));

        Assert.Equal(200, reply.Status);
        Assert.Equal("refund o-1001", reply.Json.GetProperty("note").GetString());
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task HeaderAndAFormWithoutAccessToken_AnEndpointReadingTheRawBodyGetsEveryByte()
    {
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var note = new string('n', 100_000);

        var reply = await Notes.SendAsync(HttpMethod.Post, "/notes/raw", credential, "Bearer", null, r => r.Content = Form(("note", note)));

        Assert.Equal(200, reply.Status);
        Assert.Equal("note=" + note, reply.Json.GetProperty("raw").GetString());
    }

    [Fact]
    public async Task HeaderAndMultipartWithAnAccessTokenField_IsNotTheBodyMethod_AndIsAccepted()
    {
        // §2.2 is a single-part application/x-www-form-urlencoded body; a multipart field of that name is the tool's data.
        await StartNotesAsync();
        var credential = await Harness.CredentialAsync(ToolKind.Refunds, "refunds:write");
        var multipart = new MultipartFormDataContent { { new StringContent("n"), "note" }, { new StringContent("x"), "access_token" } };

        var reply = await Notes.SendAsync(HttpMethod.Post, "/notes", credential, "Bearer", null, r => r.Content = multipart);

        Assert.Equal(200, reply.Status);
        Assert.Equal(1, _calls);
    }

    private void MapNotes(IEndpointRouteBuilder endpoints)
    {
        // Both read the body themselves (no [FromForm] binding), as a tool that takes forms might.
        endpoints.MapMethods("/notes", ["POST", "PUT"], async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            Interlocked.Increment(ref _calls);
            return Results.Ok(new { note = form["note"].ToString() });
        }).RequireMandateScope("refunds:write");

        endpoints.MapPost("/notes/raw", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            return Results.Ok(new { raw = await reader.ReadToEndAsync() });
        }).RequireMandateScope("refunds:write");
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
}
