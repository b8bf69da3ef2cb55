using System.Collections.Concurrent;

namespace Chat.Web.Tests;

/// <summary>
/// Issue 25 in the browser: a conversation whose history was rebuilt (a new epoch) while bob had it
/// open is read again from scratch after his socket returns — sync.done told him to resync — and a
/// later reconnect with the new epoch is not told again.
/// </summary>
[Collection(WebCollection.Name)]
public sealed class ResyncTests(WebFixture fixture)
{
    /// <summary>bob's sockets pass through here: what each side sent is kept, and the test can cut the open one.</summary>
    private sealed class SocketTap
    {
        public readonly ConcurrentQueue<string> FromPage = new();
        public readonly ConcurrentQueue<string> FromServer = new();
        private IWebSocketRoute? _page;
        private IWebSocketRoute? _server;

        public void Route(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            page.OnMessage(frame => { FromPage.Enqueue(frame.Text!); server.Send(frame.Text!); });
            server.OnMessage(frame => { FromServer.Enqueue(frame.Text!); page.Send(frame.Text!); });
            (_page, _server) = (page, server);
        }

        /// <summary>The connection drops (the client reconnects by itself, after its backoff).</summary>
        public async Task CutAsync()
        {
            FromPage.Clear();
            FromServer.Clear();
            if (_page is not null) await _page.CloseAsync(new() { Code = 1011, Reason = "cut" });
            if (_server is not null) await _server.CloseAsync();
        }
    }

    [SkippableFact]
    public async Task A_rebuilt_conversation_is_dropped_and_read_again_after_the_socket_returns()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var aliceContext = await fixture.NewPersonAsync();
        await using var bobContext = await fixture.NewPersonAsync();
        var tap = new SocketTap();
        await bobContext.RouteWebSocketAsync("**/v1/ws**", tap.Route);
        var aliceName = People.NewName("alice");
        var bobName = People.NewName("bob");
        var alice = await People.SignUpAsync(aliceContext, aliceName);
        var bob = await People.SignUpAsync(bobContext, bobName);
        await People.StartChatAsync(alice, bobName);
        await People.SendAsync(alice, "one");
        await People.SendAsync(alice, "two");
        await People.Conversation(bob, aliceName).ClickAsync();
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["one", "two"]);
        var api = await fixture.Server.Client().SignInAsync(bobName, People.Password);
        var conversation = (await api.GetJsonAsync("/v1/conversations"))["items"]![0]!["conversation_id"]!.GetValue<string>();
        var old = (await api.GetJsonAsync($"/v1/conversations/{conversation}/messages"))["epoch"]!.GetValue<string>();

        var admin = fixture.Admin;
        var renewed = await ApiClient.ExpectAsync(await admin.Http.PostAsync($"/v1/admin/conversations/{conversation}/epoch", null), System.Net.HttpStatusCode.OK);
        var current = renewed["epoch"]!.GetValue<string>();

        // The socket returns; its sync names the old epoch, is told to resync, and the history is read again.
        var reread = bob.WaitForRequestAsync(r => r.Url.Contains($"/v1/conversations/{conversation}/messages?before_seq="));
        await tap.CutAsync();
        await reread;
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["one", "two"]);
        Assert.Contains(tap.FromPage, f => f.Contains("\"type\":\"sync\"") && f.Contains(conversation) && f.Contains(old));
        Assert.Contains(tap.FromServer, f => f.Contains("\"sync.done\"") && f.Contains("\"resync\":true") && f.Contains(current));

        // Live messages still arrive in the history read again; the next reconnect holds the current epoch and is not told to resync.
        await People.SendAsync(alice, "three");
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["one", "two", "three"]);
        await tap.CutAsync();
        var synced = await Eventually.UntilAsync(() => Task.FromResult(tap.FromServer.FirstOrDefault(f => f.Contains("\"sync.done\"") && f.Contains(conversation))),
            f => f is not null, TimeSpan.FromSeconds(15), "sync.done of the conversation after the second reconnect");
        Assert.Contains(current, synced);
        Assert.DoesNotContain("resync", synced);
        Assert.Contains(tap.FromPage, f => f.Contains("\"type\":\"sync\"") && f.Contains(current));
        await Expect(People.MessageTexts(bob)).ToHaveTextAsync(["one", "two", "three"]);
    }
}
