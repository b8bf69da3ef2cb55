using System.Net;

namespace Chat.EndToEnd.Tests;

public sealed class BrokerOutageTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    [Fact]
    public async Task While_the_broker_is_down_a_message_gets_503_with_Retry_After_and_is_not_stored()
    {
        var alice = await fixture.Server.Client().SignUpAsync("alice");
        await fixture.Server.Client().SignUpAsync("bob");
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        await alice.SendTextAsync(conversation, "before", messageId: "before");

        fixture.Server.Broker.SetDown();
        HttpResponseMessage refused;
        try
        {
            refused = await alice.PostJsonAsync("/v1/messages", new
            {
                message_id = "during", conversation_id = conversation, from = "alice", payload = new { type = "text", text = "during" },
            });
        }
        finally
        {
            fixture.Server.Broker.SetUp();
        }

        await ApiClient.ExpectAsync(refused, HttpStatusCode.ServiceUnavailable);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "503 carries Retry-After");
        await alice.SendTextAsync(conversation, "after", messageId: "after");
        var history = await Eventually.UntilAsync(() => alice.HistoryAsync(conversation),
            h => h.Any(m => m["message_id"]!.GetValue<string>() == "after"), TimeSpan.FromSeconds(60), "the message sent after recovery");
        Assert.Equal(["before", "after"], history.Select(m => m["message_id"]!.GetValue<string>()));
    }
}
