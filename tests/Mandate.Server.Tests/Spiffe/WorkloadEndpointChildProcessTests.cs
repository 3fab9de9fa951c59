using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mandate.Core.Spiffe;
using Mandate.Server.Tests.Harness;
using Mandate.Server.WorkloadApi;

namespace Mandate.Server.Tests.Spiffe;

/// <summary>
/// The workload endpoint attests REAL child processes (curl) from kernel peer credentials: a process that
/// matches an entry gets an SVID that chains to the published bundle; one running as another uid gets a 403,
/// nothing else, and an audit record of the refusal.
/// </summary>
public sealed class WorkloadEndpointChildProcessTests : SpiffeBrokerTest
{
    private const string Agent = TestBroker.SupportAgent;
    private const string Curl = "/usr/bin/curl";
    private const uint Nobody = 65534;

    [Fact]
    public async Task X509Svid_CurlMatchingUidAndExecutableHash_GetsAnSvidThatChainsToTheBundle()
    {
        var uid = await ChildProcess.CurrentUidAsync();
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Curl)));
        using var admin = Broker.Admin();
        await admin.CreateEntryAsync(Agent, [$"unix:uid:{uid}", $"unix:sha256:{sha}"], null, null);

        var (status, body) = await ChildProcess.CurlAsync(WorkloadSocket, WorkloadEndpoints.X509Path);

        Assert.True(status == 200, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(Agent, root.GetProperty("spiffe_id").GetString());
        using var leaf = X509Certificate2.CreateFromPem(root.GetProperty("certificate_chain_pem").GetString());
        Assert.Equal(Agent, SpiffeCertificates.SpiffeIdOf(leaf));
        using var key = ECDsa.Create();
        key.ImportFromPem(root.GetProperty("private_key_pem").GetString());
        using var withKey = leaf.CopyWithPrivateKey(key);
        Assert.True(withKey.HasPrivateKey);
        Assert.Equal(Broker.Now.UtcDateTime.AddHours(1), leaf.NotAfter.ToUniversalTime());
        Assert.True(await ChainsToPublishedBundleAsync(leaf), "the SVID must chain to the CA in /.well-known/spiffe-bundle");

        var issued = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal("issued", issued.Outcome);
        Assert.Equal(Agent, issued.Agent);
        Assert.Equal(Curl, issued.Evidence["exe_path"]);
        Assert.Equal(sha, issued.Evidence["exe_sha256"]);
        Assert.Equal(uid.ToString(System.Globalization.CultureInfo.InvariantCulture), issued.Evidence["uid"]);
        Assert.Equal(leaf.SerialNumber, issued.Evidence["serial"]);
        Assert.DoesNotContain("PRIVATE KEY", await Broker.AuditTableTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task X509Svid_CurlAsAnotherUid_Gets403AndNoSvidWhileTheMatchingUidDoes()
    {
        var uid = await ChildProcess.CurrentUidAsync();
        using var admin = Broker.Admin();
        string[] asOther;
        string otherUid;
        if (uid == 0)
        {
            // Root can run the same curl binary as nobody: same executable, different kernel uid.
            await admin.CreateEntryAsync(Agent, [$"unix:uid:{uid}", $"unix:path:{Curl}"], null, null);
            asOther = ["/usr/bin/setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"];
            otherUid = Nobody.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            // Without root, the entry names another uid and this process is the non-matching caller.
            await admin.CreateEntryAsync(Agent, [$"unix:uid:{uid + 1}", $"unix:path:{Curl}"], null, null);
            asOther = [];
            otherUid = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var (status, body) = await ChildProcess.CurlAsync(WorkloadSocket, WorkloadEndpoints.X509Path, asOther);

        Assert.Equal(403, status);
        using var problem = JsonDocument.Parse(body);
        var detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains($"uid={otherUid}", detail, StringComparison.Ordinal);
        Assert.Contains($"path={Curl}", detail, StringComparison.Ordinal);
        Assert.Contains("mandate entries create", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("CERTIFICATE", body, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", body, StringComparison.Ordinal);
        var refused = Assert.Single(await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid));
        Assert.Equal("refused", refused.Outcome);
        Assert.Null(refused.Agent);
        Assert.Equal(otherUid, refused.Evidence["uid"]);
        Assert.Equal(Curl, refused.Evidence["exe_path"]);
        Assert.False(refused.Evidence.ContainsKey("serial"));

        if (uid == 0)
        {
            var (matching, matchingBody) = await ChildProcess.CurlAsync(WorkloadSocket, WorkloadEndpoints.X509Path);
            Assert.True(matching == 200, matchingBody);
            Assert.Equal(["refused", "issued"], (await Broker.AuditEventsAsync(SpiffeAuditKinds.Svid)).Select(e => e.Outcome));
        }
    }

    [Fact]
    public async Task X509Svid_EntryDeleted_TheSameProcessGetsNothingMore()
    {
        var uid = await ChildProcess.CurrentUidAsync();
        using var admin = Broker.Admin();
        var entry = await admin.CreateEntryAsync(Agent, [$"unix:uid:{uid}", $"unix:path:{Curl}"], null, null);
        Assert.Equal(200, (await ChildProcess.CurlAsync(WorkloadSocket, WorkloadEndpoints.X509Path)).Status);

        await admin.DeleteEntryAsync(entry.GetProperty("id").GetString()!, "agent retired");

        Assert.Equal(403, (await ChildProcess.CurlAsync(WorkloadSocket, WorkloadEndpoints.X509Path)).Status);
    }

    [Fact]
    public async Task WorkloadSocket_IsWorldWritableWhileTheAdminSocketStaysOwnerOnly()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Fail("the workload endpoint attests with Linux peer credentials");
            return;
        }

        Assert.Equal((UnixFileMode)0b110_110_110, File.GetUnixFileMode(WorkloadSocket) & (UnixFileMode)0b111_111_111);
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(Broker.Options.AdminSocket) & (UnixFileMode)0b111_111_111);
        var uid = await ChildProcess.CurrentUidAsync();
        if (uid == 0)
        {
            // nobody reaches the workload socket (and is refused by attestation) but cannot even connect to the admin socket.
            var workload = await ChildProcess.RunAsync("/usr/bin/setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups",
                Curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", WorkloadSocket, "http://localhost/v1/bundle");
            Assert.Equal("200", workload.Stdout);
            var adminCall = await ChildProcess.RunAsync("/usr/bin/setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups",
                Curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", Broker.Options.AdminSocket, "http://mandate-admin/admin/status");
            Assert.Equal("000", adminCall.Stdout);
        }
    }

    private async Task<bool> ChainsToPublishedBundleAsync(X509Certificate2 leaf)
    {
        using var response = await Broker.Http.GetAsync(".well-known/spiffe-bundle");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Broker.Now.UtcDateTime;
        foreach (var key in bundle.RootElement.GetProperty("keys").EnumerateArray().Where(k => k.GetProperty("use").GetString() == "x509-svid"))
        {
            chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(key.GetProperty("x5c")[0].GetString()!)));
        }

        return chain.Build(leaf);
    }
}
