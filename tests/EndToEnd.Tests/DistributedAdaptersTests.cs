using System.Net;

namespace Chat.EndToEnd.Tests;

/// <summary>The Host on etcd metadata and Redis presence (real servers from the test command), the rest embedded.</summary>
public sealed class DistributedAdaptersFixture : IAsyncLifetime
{
    public ChatServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ChatServer.StartAsync(new Dictionary<string, string?>
    {
        ["Metadata:Kind"] = "etcd",
        ["Etcd:Endpoints"] = TestServers.Etcd,
        ["Etcd:Prefix"] = $"/chat-e2e-{Guid.NewGuid():N}/",
        ["Presence:Kind"] = "redis",
        ["Redis:Configuration"] = TestServers.Redis,
        ["Redis:KeyPrefix"] = $"chat-e2e-{Guid.NewGuid():N}:",
        ["Presence:NodeId"] = $"e2e-{Guid.NewGuid():N}",
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class DistributedAdaptersTests(DistributedAdaptersFixture fixture) : IClassFixture<DistributedAdaptersFixture>
{
    [Fact]
    public async Task Twenty_concurrent_registrations_of_one_name_on_etcd_give_one_201_and_nineteen_409()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var client = new ApiClient(http);
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            client.PostJsonAsync("/v1/auth/register", new { username = "contested", password = ApiClient.Password })));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Messages_reach_sockets_and_acks_come_back_through_Redis_presence()
    {
        var alice = await fixture.Server.Client().SignUpAsync("alice");
        var bob = await fixture.Server.Client().SignUpAsync("bob");
        var conversation = await alice.CreateConversationAsync("direct", "bob");
        await using var aliceSocket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, alice);
        await using var bobSocket = await ChatSocket.ConnectAsync(fixture.Server.BaseAddress, bob);
        // The upgrade completes a moment before the gateway records the socket in Redis.
        await Eventually.UntilAsync(async () => (await alice.GetJsonAsync("/v1/presence/bob"))["status"]!.GetValue<string>(),
            s => s == "online", TimeSpan.FromSeconds(10), "bob online in Redis");

        var id = await alice.SendTextAsync(conversation, "via redis");
        Assert.Equal(id, (await bobSocket.MessagesAsync(1))[0]["message_id"]!.GetValue<string>());
        await bobSocket.SendAsync(new { type = "ack", message_id = id });
        await aliceSocket.WaitForAsync(f => ChatSocket.Type(f) == "message.status" && f["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(30), "delivered");
    }
}
