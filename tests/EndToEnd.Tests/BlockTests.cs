using System.Net;
using System.Net.Http.Json;

namespace Chat.EndToEnd.Tests;

/// <summary>Blocks (issue 16): each effect, and that unblocking undoes it.</summary>
public sealed class BlockTests(ChatServerFixture fixture) : IClassFixture<ChatServerFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private ChatServer Server => fixture.Server;

    private static async Task<string> RefusedFieldAsync(HttpResponseMessage response)
    {
        var body = await ApiClient.ExpectAsync(response, HttpStatusCode.Forbidden);
        return Assert.Single(body["errors"]!.AsObject()).Key;
    }

    private static Task<HttpResponseMessage> SendAsync(ApiClient client, string conversation, string text) =>
        client.PostJsonAsync("/v1/messages", new { conversation_id = conversation, from = client.Username, payload = new { type = "text", text } });

    [Fact]
    public async Task A_blocked_user_cannot_reach_the_blocker_directly_nor_see_their_presence_or_typing_until_unblocked()
    {
        var bob = await Server.Client().SignUpAsync("blbob");
        var mallory = await Server.Client().SignUpAsync("blmallory");
        var carol = await Server.Client().SignUpAsync("blcarol");
        var direct = await mallory.CreateConversationAsync("direct", bob.Username!);
        var group = await bob.CreateConversationAsync("group", mallory.Username!, carol.Username!);

        var blocked = await ApiClient.ExpectAsync(await bob.Http.PutAsync("/v1/blocks/BLMALLORY", null), HttpStatusCode.OK);
        Assert.Equal("blmallory", blocked["username"]!.GetValue<string>());
        var list = await bob.GetJsonAsync("/v1/blocks");
        Assert.Equal(["blmallory"], list["items"]!.AsArray().Select(i => i!["username"]!.GetValue<string>()));
        // The blocker's own data: the blocked user's list says nothing.
        Assert.Empty((await mallory.GetJsonAsync("/v1/blocks"))["items"]!.AsArray());

        Assert.Equal("to", await RefusedFieldAsync(await SendAsync(mallory, direct, "hello?")));
        Assert.Equal("members", await RefusedFieldAsync(await mallory.PostJsonAsync("/v1/conversations", new { type = "direct", members = new[] { bob.Username } })));
        // In a group, messages flow as before.
        var inGroup = await mallory.SendTextAsync(group, "group message");
        await Eventually.UntilAsync(() => bob.HistoryAsync(group), h => h.Any(m => m["message_id"]!.GetValue<string>() == inGroup), Deadline, "the group message");

        await using (var malloryWatch = await ChatSocket.ConnectAsync(Server.BaseAddress, mallory))
        await using (var carolWatch = await ChatSocket.ConnectAsync(Server.BaseAddress, carol))
        {
            await using (var bobSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, bob))
            {
                await carolWatch.WaitForAsync(f => ChatSocket.Type(f) == "presence.update" && f["username"]!.GetValue<string>() == "blbob", Deadline, "bob online, for carol");
                Assert.Equal("offline", (await mallory.GetJsonAsync("/v1/presence/blbob"))["status"]!.GetValue<string>());
                Assert.Equal("online", (await carol.GetJsonAsync("/v1/presence/blbob"))["status"]!.GetValue<string>());
                await bobSocket.SendAsync(new { type = "typing", conversation_id = group, state = "start" });
                await carolWatch.WaitForAsync(f => ChatSocket.Type(f) == "typing" && f["username"]!.GetValue<string>() == "blbob", Deadline, "bob typing, for carol");
                // A marker after both: carol's typing reaches mallory, and nothing of bob's came before it.
                await using var carolSocket = await ChatSocket.ConnectAsync(Server.BaseAddress, carol);
                await carolSocket.SendAsync(new { type = "typing", conversation_id = group, state = "start" });
                await malloryWatch.WaitForAsync(f => ChatSocket.Type(f) == "typing" && f["username"]!.GetValue<string>() == "blcarol", Deadline, "carol typing, for mallory");
                Assert.DoesNotContain(malloryWatch.Seen, f => f["username"]?.GetValue<string>() == "blbob");
            }

            Assert.Equal(HttpStatusCode.NoContent, (await bob.Http.DeleteAsync("/v1/blocks/blmallory")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.DeleteAsync("/v1/blocks/blmallory")).StatusCode);
            await using var bobAgain = await ChatSocket.ConnectAsync(Server.BaseAddress, bob);
            await malloryWatch.WaitForAsync(f => ChatSocket.Type(f) == "presence.update" && f["username"]!.GetValue<string>() == "blbob"
                                                 && f["status"]!.GetValue<string>() == "online", Deadline, "bob online, for mallory once unblocked");
            await bobAgain.SendAsync(new { type = "typing", conversation_id = direct, state = "start" });
            await malloryWatch.WaitForAsync(f => ChatSocket.Type(f) == "typing" && f["username"]!.GetValue<string>() == "blbob", Deadline, "bob typing, for mallory");
            Assert.Equal("online", (await mallory.GetJsonAsync("/v1/presence/blbob"))["status"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(mallory, direct, "hello again")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mallory.PostJsonAsync("/v1/conversations", new { type = "direct", members = new[] { bob.Username } })).StatusCode);
    }

    [Fact]
    public async Task Blocking_refuses_yourself_and_unknown_users()
    {
        var dora = await Server.Client().SignUpAsync("bldora");
        Assert.Equal(HttpStatusCode.BadRequest, (await dora.Http.PutAsync("/v1/blocks/bldora", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await dora.Http.PutAsync("/v1/blocks/nobody-here", null)).StatusCode);
        Assert.Empty((await dora.GetJsonAsync("/v1/blocks"))["items"]!.AsArray());
    }
}
