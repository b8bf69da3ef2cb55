using Chat.Host;
using Chat.Shared.Http;

var app = ChatHost.Build(args);
app.RunOrExplain();
