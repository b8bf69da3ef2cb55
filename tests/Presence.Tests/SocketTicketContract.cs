using Chat.Presence.Tickets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.Presence.Tests;

/// <summary>What every store of one-use WebSocket tickets must do (issue 18); one subclass per adapter.</summary>
public abstract class SocketTicketContract
{
    protected abstract Dictionary<string, string?> Settings { get; }

    /// <summary>Whether two gateway nodes share the store (Redis); in-memory tickets are one process's own.</summary>
    protected abstract bool Shared { get; }

    private readonly string _user = "u" + Guid.NewGuid().ToString("N")[..12];

    private ISocketTickets OpenNode()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Services.AddLogging();
        builder.AddPresencePorts();
        return builder.Build().Services.GetRequiredService<ISocketTickets>();
    }

    [Fact]
    public async Task A_ticket_opens_one_socket_for_its_user_and_then_is_gone()
    {
        var tickets = OpenNode();
        var ticket = await tickets.IssueAsync(_user, TimeSpan.FromSeconds(30));
        Assert.StartsWith("wst_", ticket);
        Assert.Equal(_user, await tickets.RedeemAsync(ticket));
        Assert.Null(await tickets.RedeemAsync(ticket));
        Assert.Null(await tickets.RedeemAsync("wst_" + new string('x', 43)));
        Assert.Null(await tickets.RedeemAsync("not a ticket"));
    }

    [Fact]
    public async Task Of_two_nodes_racing_to_redeem_one_ticket_exactly_one_gets_it()
    {
        var first = OpenNode();
        var second = Shared ? OpenNode() : first;
        var ticket = await first.IssueAsync(_user, TimeSpan.FromSeconds(30));
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? first : second).RedeemAsync(ticket)));
        Assert.Equal(_user, Assert.Single(answers, a => a is not null));
    }
}

public sealed class InMemorySocketTicketTests : SocketTicketContract
{
    protected override Dictionary<string, string?> Settings => new() { ["Presence:Kind"] = "memory" };
    protected override bool Shared => false;
}

public sealed class RedisSocketTicketTests : SocketTicketContract
{
    private readonly string _keyPrefix = $"chat-test-{Guid.NewGuid():N}:";

    protected override Dictionary<string, string?> Settings => new() { ["Presence:Kind"] = "redis", ["Redis:Configuration"] = TestServers.Redis, ["Redis:KeyPrefix"] = _keyPrefix };
    protected override bool Shared => true;
}
