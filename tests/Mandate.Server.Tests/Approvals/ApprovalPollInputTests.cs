using Mandate.Server.Tests.Harness;

namespace Mandate.Server.Tests.Approvals;

/// <summary>Invariant 7: a malformed CIBA poll gets invalid_request (RFC 6749 §5.2) naming what is wrong, and changes nothing.</summary>
public sealed class ApprovalPollInputTests : ApprovalTest
{
    [Fact]
    public async Task Invariant7_ApprovalPoll_AuthReqIdLongerThanAnyId_RefusedSayingItIsTooLong()
    {
        var reply = await PollAsync(new string('a', 129));

        Expect.Refused(reply, "invalid_request", "auth_req_id is longer than any id the broker hands out (128 characters)");
        await Broker.AssertNothingIssuedAsync();
    }

    [Fact]
    public async Task Invariant7_ApprovalPoll_AuthReqIdMissing_RefusedSayingItIsRequired()
    {
        var reply = await PollAsync("");

        Expect.Refused(reply, "invalid_request", "auth_req_id is required");
        await Broker.AssertNothingIssuedAsync();
    }
}
