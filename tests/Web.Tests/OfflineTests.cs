using System.Collections.Concurrent;

namespace Chat.Web.Tests;

/// <summary>A lost network: bob's browser goes offline and his socket is cut (offline emulation alone leaves open sockets up).</summary>
[Collection(WebCollection.Name)]
public sealed class OfflineTests(WebFixture fixture)
{
    /// <summary>bob's sockets pass through here, so the test can cut the open one and refuse new ones while he is offline.</summary>
    private sealed class SocketSwitch
    {
        public volatile bool Offline;
        public IWebSocketRoute? Page;
        public IWebSocketRoute? Server;
        public readonly ConcurrentQueue<string> FramesSentAfterReturn = new();
        public volatile bool Returned;

        public void Route(IWebSocketRoute page)
        {
            if (Offline)
            {
                // Refused at once, as a lost network would: the client backs off and tries again.
                _ = page.CloseAsync(new() { Code = 1011, Reason = "offline" });
                return;
            }
            var server = page.ConnectToServer();
            page.OnMessage(frame =>
            {
                if (Returned && frame.Text is { } text) FramesSentAfterReturn.Enqueue(text);
                server.Send(frame.Text!);
            });
            server.OnMessage(frame => page.Send(frame.Text!));
            (Page, Server) = (page, server);
        }

        public async Task CutAsync()
        {
            Offline = true;
            if (Page is not null) await Page.CloseAsync(new() { Code = 1011, Reason = "offline" });
            if (Server is not null) await Server.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task Messages_written_on_both_sides_while_one_is_offline_arrive_once_each_in_order_after_reconnecting()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var sockets = new SocketSwitch();
        await bobContext.RouteWebSocketAsync("**/v1/ws**", sockets.Route);
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);
        await People.SendAsync(alice, "before");
        await People.Conversation(bob, aliceName).ClickAsync();
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["before"]);

        await bobContext.SetOfflineAsync(true);
        await sockets.CutAsync();
        await Expect(bob.GetByText("You are offline")).ToBeVisibleAsync();
        string[] fromAlice = ["a1", "a2", "a3", "a4", "a5"];
        foreach (var text in fromAlice) await People.SendAsync(alice, text);
        await Expect(People.TicksOf(alice, "a5")).ToHaveAttributeAsync("aria-label", "Sent");
        await People.SendAsync(bob, "b1");
        await People.SendAsync(bob, "b2");
        await Expect(People.TicksOf(bob, "b2")).ToHaveAttributeAsync("aria-label", "Waiting to send");

        sockets.Returned = true;
        sockets.Offline = false;
        await bobContext.SetOfflineAsync(false);
        await Expect(bob.GetByText("You are offline")).ToBeHiddenAsync();
        string[] everything = ["before", .. fromAlice, "b1", "b2"];
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(everything);
        await Expect(People.MessageTexts(alice)).ToHaveTextAsync(everything);
        await Expect(People.TicksOf(bob, "b2")).Not.ToHaveAttributeAsync("aria-label", "Waiting to send");
        Assert.Contains(sockets.FramesSentAfterReturn, f => f.Contains("\"type\":\"sync\""));
    }
}
