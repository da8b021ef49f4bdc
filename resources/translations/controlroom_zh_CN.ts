<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ActionsPanel</name>
    <message>
        <source>ACTIONS</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Select a SKU in the table</source>
        <translation>在表格中选择一个商品</translation>
    </message>
    <message>
        <source>Freeze</source>
        <translation>冻结</translation>
    </message>
    <message>
        <source>Stop selling the selected SKU now</source>
        <translation>立即停止销售所选商品</translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation>解冻</translation>
    </message>
    <message>
        <source>Resume selling the selected SKU</source>
        <translation>恢复销售所选商品</translation>
    </message>
    <message>
        <source>Restock</source>
        <translation>补货</translation>
    </message>
    <message>
        <source>Restock by the custom amount</source>
        <translation>按自定义数量补货</translation>
    </message>
    <message>
        <source>Custom amount</source>
        <translation>自定义数量</translation>
    </message>
    <message>
        <source>Type a custom restock amount (Enter sends it)</source>
        <translation>输入自定义补货数量（回车发送）</translation>
    </message>
    <message>
        <source>Lower exposure</source>
        <translation>降低曝光</translation>
    </message>
    <message>
        <source>Show the selected SKU less in the live room (weight {w:g})</source>
        <translation>降低所选商品在直播间的曝光（权重 {w:g}）</translation>
    </message>
    <message>
        <source>Full exposure</source>
        <translation>恢复曝光</translation>
    </message>
    <message>
        <source>Restore the selected SKU&apos;s exposure (weight 1)</source>
        <translation>恢复所选商品的曝光（权重 1）</translation>
    </message>
    <message>
        <source>Exposure −</source>
        <translation>降低曝光</translation>
    </message>
    <message>
        <source>Exposure +</source>
        <translation>恢复曝光</translation>
    </message>
    <message>
        <source>Delist</source>
        <translation>下架</translation>
    </message>
    <message>
        <source>Take the selected SKU off the shop</source>
        <translation>将所选商品下架</translation>
    </message>
    <message>
        <source>Relist</source>
        <translation>上架</translation>
    </message>
    <message>
        <source>Put the selected SKU back on the shop</source>
        <translation>将所选商品重新上架</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Confirm the armed action</source>
        <translation>确认待执行的操作</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the armed action</source>
        <translation>取消待执行的操作</translation>
    </message>
    <message>
        <source>Custom restock amount (R jumps here, Enter sends)</source>
        <translation>自定义补货数量（按 R 跳到这里，回车发送）</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
    <message>
        <source>delisted</source>
        <translation>已下架</translation>
    </message>
    <message>
        <source>sold out</source>
        <translation>售罄</translation>
    </message>
    <message>
        <source>{tier} · {level} · available {n} · {rate}/min{state}</source>
        <translation>{tier} · {level} · 可售 {n} · {rate}/分钟{state}</translation>
    </message>
    <message>
        <source>{what} {sku} ({tier} tier, {n} available now)? Press {key} again or Enter to confirm, Esc to cancel.</source>
        <translation>{what} {sku}（{tier}，当前可售 {n}）？再按 {key} 或回车确认，Esc 取消。</translation>
    </message>
    <message numerus="yes">
        <source>(%n attempt(s))</source>
        <translation>
            <numerusform>（已尝试 %n 次）</numerusform>
        </translation>
    </message>
    <message>
        <source>(the shop&apos;s answer will settle it; do not repeat it)</source>
        <translation>（以店铺的回执为准，请勿重复操作）</translation>
    </message>
    <message>
        <source>No commands for this SKU yet</source>
        <translation>该商品暂无指令</translation>
    </message>
    <message numerus="yes">
        <source>Restock the selected SKU by %Ln unit(s)</source>
        <translation>
            <numerusform>为所选商品补货 %Ln 件</numerusform>
        </translation>
    </message>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} 毫秒</translation>
    </message>
</context>
<context>
    <name>AlertModel</name>
    <message>
        <source>Sell-out imminent</source>
        <translation>即将售罄</translation>
    </message>
    <message>
        <source>Below warning line</source>
        <translation>低于预警线</translation>
    </message>
    <message>
        <source>Demand surge</source>
        <translation>需求激增</translation>
    </message>
    <message>
        <source>Sold out and still wanted</source>
        <translation>已售罄，仍有需求</translation>
    </message>
    <message>
        <source>Feed stale</source>
        <translation>数据流中断</translation>
    </message>
    <message>
        <source>Frozen with stock left</source>
        <translation>冻结但仍有库存</translation>
    </message>
    <message>
        <source>avail {n}</source>
        <translation>可售 {n}</translation>
    </message>
    <message>
        <source>line {n}</source>
        <translation>预警线 {n}</translation>
    </message>
    <message>
        <source>safety {n}</source>
        <translation>安全库存 {n}</translation>
    </message>
    <message>
        <source>losing {r}/min</source>
        <translation>每分钟流失 {r}</translation>
    </message>
    <message>
        <source>{r}/min</source>
        <translation>{r}/分钟</translation>
    </message>
    <message>
        <source>sell-out {t}</source>
        <translation>{t}后售罄</translation>
    </message>
    <message>
        <source>snoozed until {t}</source>
        <translation>静默至 {t}</translation>
    </message>
    <message>
        <source>acked</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Snoozed until {t} (shop clock)</source>
        <translation>静默至 {t}（店铺时钟）</translation>
    </message>
    <message>
        <source>Now ({t}): available {n}, {r}/min, sell-out in {so}, warning line {line}</source>
        <translation>当前（{t}）：可售 {n}，{r}/分钟，预计 {so} 后售罄，预警线 {line}</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>开始于</translation>
    </message>
    <message>
        <source>room</source>
        <translation>直播间</translation>
    </message>
</context>
<context>
    <name>AlertPanel</name>
    <message>
        <source>ALERTS</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation>解冻</translation>
    </message>
    <message>
        <source>Problems ({n})</source>
        <translation>问题（{n}）</translation>
    </message>
    <message>
        <source>Alerts ({n})</source>
        <translation>告警（{n}）</translation>
    </message>
    <message>
        <source>room</source>
        <translation>直播间</translation>
    </message>
    <message>
        <source>History ({n})</source>
        <translation>历史（{n}）</translation>
    </message>
</context>
<context>
    <name>AlertState</name>
    <message>
        <source>pending</source>
        <translation>待触发</translation>
    </message>
    <message>
        <source>firing</source>
        <translation>告警中</translation>
    </message>
    <message>
        <source>recovering</source>
        <translation>恢复中</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>已解除</translation>
    </message>
</context>
<context>
    <name>AutoConfirmBox</name>
    <message>
        <source>Accept</source>
        <translation>接受</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>available {n} at or below safety stock {s}</source>
        <translation>可售 {n}，已到安全库存 {s} 或以下</translation>
    </message>
    <message>
        <source>available {n} at or below the exposure line {l}: exposure down to {w}</source>
        <translation>可售 {n}，已到曝光线 {l} 或以下：曝光降至 {w}</translation>
    </message>
    <message>
        <source>available {n} back above the exposure line {l}: exposure back to 1</source>
        <translation>可售 {n}，回到曝光线 {l} 以上：曝光恢复为 1</translation>
    </message>
    <message>
        <source>{n} left above the reserve {l}, the orders in flight have settled: sell again</source>
        <translation>剩余 {n} 件，高于预留量 {l}，在途订单已结清：恢复销售</translation>
    </message>
    <message>
        <source>{n} left, enough for the orders in flight at exposure {w}: sell at that exposure</source>
        <translation>剩余 {n} 件，够曝光 {w} 下的在途订单：以该曝光恢复销售</translation>
    </message>
    <message numerus="yes">
        <source>WAITING FOR YOU: %n auto action(s) to confirm (Y accepts, N rejects the first)</source>
        <translation>
            <numerusform>待确认：%n 条自动操作（Y 接受、N 拒绝第一条）</numerusform>
        </translation>
    </message>
    <message>
        <source>AUTO ACTIONS: none waiting for confirmation</source>
        <translation>自动操作：暂无待确认</translation>
    </message>
    <message>
        <source>{op} {sku}: {reason}</source>
        <translation>{op} {sku}：{reason}</translation>
    </message>
</context>
<context>
    <name>BadgeDelegate</name>
    <message>
        <source>sold out</source>
        <translation>售罄</translation>
    </message>
    <message>
        <source>frozen, {n} left</source>
        <translation>已冻结，剩 {n}</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
    <message>
        <source>delisted</source>
        <translation>已下架</translation>
    </message>
    <message>
        <source>on air</source>
        <translation>讲解中</translation>
    </message>
</context>
<context>
    <name>ChannelPage</name>
    <message>
        <source>Channels per level</source>
        <translation>各级别的通知渠道</translation>
    </message>
    <message>
        <source>The host view prompts for critical low stock and sold out only.</source>
        <translation>主播视图只提示紧急低库存和售罄。</translation>
    </message>
    <message>
        <source>Critical: the sound repeats until the alert is acknowledged or snoozed. Desktop: a click on the notification brings the desk to the SKU.</source>
        <translation>紧急：提示音会重复，直到告警被确认或暂缓。桌面通知：点击通知即跳到中控台上的该商品。</translation>
    </message>
    <message>
        <source>Webhooks: grouping, repeats and escalation</source>
        <translation>Webhook：合并、重复提醒与升级</translation>
    </message>
    <message>
        <source>target names, in order, e.g. lead, backup</source>
        <translation>目标名称，按顺序，例如 lead, backup</translation>
    </message>
    <message>
        <source>On-call list: a critical alert not acknowledged in time goes to the first of these targets that is up, once.</source>
        <translation>值班名单：紧急告警在规定时间内未被确认时，发送给其中第一个正常的目标，只发一次。</translation>
    </message>
    <message>
        <source>Targets (from the settings file)</source>
        <translation>通知目标（来自设置文件）</translation>
    </message>
    <message>
        <source>No webhook targets: add [[notify.webhooks]] tables to the settings file (see docs/notifications.md).</source>
        <translation>没有 Webhook 目标：在设置文件中添加 [[notify.webhooks]] 表（见 docs/notifications.md）。</translation>
    </message>
    <message>
        <source>frozen with stock</source>
        <translation>冻结但有货</translation>
    </message>
    <message>
        <source>feed trouble</source>
        <translation>数据流中断</translation>
    </message>
    <message>
        <source>Panel</source>
        <translation>告警面板</translation>
    </message>
    <message>
        <source>Sound</source>
        <translation>提示音</translation>
    </message>
    <message>
        <source>Desktop</source>
        <translation>桌面通知</translation>
    </message>
    <message>
        <source>Host view</source>
        <translation>主播视图</translation>
    </message>
    <message>
        <source>Webhooks</source>
        <translation>Webhook 机器人</translation>
    </message>
    <message>
        <source>on-call only</source>
        <translation>仅用于值班升级</translation>
    </message>
    <message>
        <source>Send test message</source>
        <translation>发送测试消息</translation>
    </message>
    <message>
        <source>not running</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>up · {n} sent</source>
        <translation>正常 · 已发 {n} 条</translation>
    </message>
    <message>
        <source>DOWN</source>
        <translation>故障</translation>
    </message>
    <message>
        <source>misconfigured</source>
        <translation>配置错误</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <source>accepted by the robot</source>
        <translation>机器人已接收</translation>
    </message>
    <message>
        <source>failed: {why}</source>
        <translation>失败：{why}</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>{m}m</source>
        <translation>{m}分</translation>
    </message>
</context>
<context>
    <name>ChartsPanel</name>
    <message>
        <source>Room viewers</source>
        <translation>直播间在线人数</translation>
    </message>
    <message>
        <source>Orders per minute (featured periods shaded)</source>
        <translation>每分钟订单数（阴影为讲解时段）</translation>
    </message>
</context>
<context>
    <name>CompareTab</name>
    <message>
        <source>File → Compare with… adds other shows here.</source>
        <translation>用 文件 → 对比… 把其他场次加到这里。</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Show length</source>
        <translation>直播时长</translation>
    </message>
    <message>
        <source>GMV</source>
        <translation>成交额</translation>
    </message>
    <message>
        <source>Units sold</source>
        <translation>售出件数</translation>
    </message>
    <message>
        <source>Sell-outs</source>
        <translation>售罄</translation>
    </message>
    <message>
        <source>Misses</source>
        <translation>漏报</translation>
    </message>
    <message>
        <source>Median warning lead time</source>
        <translation>预警提前量（中位数）</translation>
    </message>
    <message>
        <source>False warnings</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>Alerts per 10 minutes</source>
        <translation>每 10 分钟告警数</translation>
    </message>
    <message>
        <source>Oversold units</source>
        <translation>超卖件数</translation>
    </message>
    <message>
        <source>Estimated lost sales</source>
        <translation>估计损失销售</translation>
    </message>
    <message>
        <source>Feed incidents</source>
        <translation>数据流异常</translation>
    </message>
    <message>
        <source>sell-outs</source>
        <translation>售罄</translation>
    </message>
    <message>
        <source>misses</source>
        <translation>漏报</translation>
    </message>
    <message>
        <source>false warnings</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>oversold units</source>
        <translation>超卖件数</translation>
    </message>
    <message>
        <source>lost units (est.)</source>
        <translation>损失件数（估计）</translation>
    </message>
</context>
<context>
    <name>DeskChannels</name>
    <message>
        <source>Show on the desk</source>
        <translation>在中控台查看</translation>
    </message>
    <message>
        <source>the room</source>
        <translation>直播间</translation>
    </message>
</context>
<context>
    <name>DeskShortcuts</name>
    <message>
        <source>Acknowledge alert</source>
        <translation>确认告警</translation>
    </message>
    <message>
        <source>Snooze {m} min</source>
        <translation>静音 {m} 分钟</translation>
    </message>
    <message>
        <source>Jump to the alert&apos;s SKU</source>
        <translation>跳转到告警商品</translation>
    </message>
    <message>
        <source>Unfreeze a SKU frozen with stock</source>
        <translation>解冻冻结但仍有库存的商品</translation>
    </message>
    <message>
        <source>Mute sound</source>
        <translation>静音提示音</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Go to the SKU table</source>
        <translation>转到商品表</translation>
    </message>
    <message>
        <source>Go to the alerts</source>
        <translation>转到告警列表</translation>
    </message>
    <message>
        <source>Accept the first auto action</source>
        <translation>接受第一条自动操作</translation>
    </message>
    <message>
        <source>Reject the first auto action</source>
        <translation>拒绝第一条自动操作</translation>
    </message>
    <message>
        <source>Dismiss the failure banner</source>
        <translation>关闭失败提示</translation>
    </message>
    <message>
        <source>Show the failed command&apos;s SKU</source>
        <translation>查看失败指令的商品</translation>
    </message>
    <message>
        <source>Go to the most urgent SKUs (top of the table)</source>
        <translation>转到最紧急的商品（表格顶部）</translation>
    </message>
    <message>
        <source>Undo the last action (for 10 s)</source>
        <translation>撤销上一个操作（10 秒内）</translation>
    </message>
    <message>
        <source>Restart the core (when it is hung or stopped)</source>
        <translation>重启核心（卡住或停止时）</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>{m} min</source>
        <translation>{m} 分钟</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>Jump</source>
        <translation>跳转</translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation>解冻</translation>
    </message>
    <message>
        <source>Selected SKU</source>
        <translation>所选商品</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Moving around</source>
        <translation>导航</translation>
    </message>
    <message>
        <source>Up / Down</source>
        <translation>上 / 下</translation>
    </message>
    <message>
        <source>Select the previous / next SKU in the table</source>
        <translation>选择表格中的上一个 / 下一个商品</translation>
    </message>
    <message>
        <source>Host prompt</source>
        <translation>主播提示</translation>
    </message>
    <message>
        <source>Unmute sound</source>
        <translation>打开提示音</translation>
    </message>
</context>
<context>
    <name>DeskTargets</name>
    <message>
        <source>SKUs more urgent than the selected one are out of sight: click to go to the top</source>
        <translation>有比所选 SKU 更紧急的条目在视野之外：点击回到顶部</translation>
    </message>
    <message>
        <source>Snoozed {what} for {m:g} min, until {t} (shop clock)</source>
        <translation>已静默 {what} {m:g} 分钟，至 {t}（店铺时钟）</translation>
    </message>
    <message>
        <source>▲ {n} more urgent</source>
        <translation>▲ 另有 {n} 个更紧急</translation>
    </message>
    <message>
        <source>Undo sent: {what} {sku}</source>
        <translation>已发送撤销：{what} {sku}</translation>
    </message>
    <message>
        <source>Sent: {what} {sku}. A restock cannot be undone (protocol v1): to correct it, freeze and tell the warehouse.</source>
        <translation>已发送：{what} {sku}。补货无法撤销（协议 v1）：如需纠正，请冻结并通知仓库。</translation>
    </message>
    <message>
        <source>Sent: {what} {sku}</source>
        <translation>已发送：{what} {sku}</translation>
    </message>
    <message>
        <source>Nothing to undo (Undo lasts 10 s after an action).</source>
        <translation>没有可撤销的操作（操作后 10 秒内可撤销）。</translation>
    </message>
</context>
<context>
    <name>DeskTruth</name>
    <message>
        <source>Restart core (Ctrl+Shift+R)</source>
        <translation>重启核心 (Ctrl+Shift+R)</translation>
    </message>
    <message>
        <source>This core runs inside the desk (--core-thread): restart the desk.</source>
        <translation>核心运行在中控台进程内（--core-thread）：请重启中控台。</translation>
    </message>
    <message>
        <source>Restarting the core…</source>
        <translation>正在重启核心…</translation>
    </message>
    <message>
        <source>The core did not restart: {e}</source>
        <translation>核心未能重启：{e}</translation>
    </message>
    <message>
        <source>Core restarted; commands sent before the restart are shown no more: check their SKUs&apos; stock.</source>
        <translation>核心已重启；重启前发出的指令不再显示：请核对相关 SKU 的库存。</translation>
    </message>
</context>
<context>
    <name>DeskWindow</name>
    <message>
        <source>Live stock control room</source>
        <translation>直播库存中控台</translation>
    </message>
    <message>
        <source>SKUS</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Search SKU or name  (Ctrl+F)</source>
        <translation>搜索商品编号或名称（Ctrl+F）</translation>
    </message>
    <message>
        <source>All tiers</source>
        <translation>全部分层</translation>
    </message>
    <message>
        <source>All levels</source>
        <translation>全部级别</translation>
    </message>
    <message>
        <source>Any alert</source>
        <translation>有告警</translation>
    </message>
    <message>
        <source>Watch and worse</source>
        <translation>关注及以上</translation>
    </message>
    <message>
        <source>Warning and worse</source>
        <translation>预警及以上</translation>
    </message>
    <message>
        <source>Critical only</source>
        <translation>仅紧急</translation>
    </message>
    <message>
        <source>OK only</source>
        <translation>仅正常</translation>
    </message>
    <message>
        <source>Core stopped: {e}</source>
        <translation>核心已停止：{e}</translation>
    </message>
    <message>
        <source>Sent: {what} {sku}</source>
        <translation>已发送：{what} {sku}</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Settings sent to the core; they apply at once and are logged.</source>
        <translation>设置已发送到核心，立即生效并记入日志。</translation>
    </message>
    <message>
        <source>{shown} of {total}</source>
        <translation>{shown} / {total}</translation>
    </message>
    <message>
        <source>{total} SKUs</source>
        <translation>{total} 个商品</translation>
    </message>
    <message>
        <source>Settings applied (version {v}).</source>
        <translation>设置已生效（版本 {v}）。</translation>
    </message>
    <message>
        <source>snapshot {v} · {events} events · refresh {ms:.1f} ms · sound: {snd}{mute}</source>
        <translation>快照 {v} · {events} 条事件 · 刷新 {ms:.1f} 毫秒 · 声音：{snd}{mute}</translation>
    </message>
    <message>
        <source> (muted)</source>
        <translation>（已静音）</translation>
    </message>
</context>
<context>
    <name>DisplayTab</name>
    <message>
        <source>Dark (dim control room)</source>
        <translation>深色（暗光中控室）</translation>
    </message>
    <message>
        <source>Light (bright room)</source>
        <translation>浅色（明亮环境）</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Theme and language change at once. The desk&apos;s windows switch language as they are; this dialog&apos;s fields show it when the dialog is opened again.</source>
        <translation>主题和语言立即切换。中控台各窗口原样切换语言；本对话框中的各项设置在下次打开时显示新语言。</translation>
    </message>
</context>
<context>
    <name>EpisodeModel</name>
    <message>
        <source>Room-wide surge</source>
        <translation>全场激增</translation>
    </message>
    <message>
        <source>Surges (advisory)</source>
        <translation>需求激增（提示）</translation>
    </message>
    <message>
        <source>Room-wide warnings</source>
        <translation>全场预警</translation>
    </message>
    <message>
        <source>Warning wave</source>
        <translation>预警潮</translation>
    </message>
    <message>
        <source>frozen with {n} left · {money}/min not selling</source>
        <translation>冻结中仍有 {n} 件 · 每分钟少卖 {money}</translation>
    </message>
    <message>
        <source>no SKU below its line now</source>
        <translation>当前无商品低于预警线</translation>
    </message>
    <message>
        <source>{sku} still below its warning line</source>
        <translation>{sku} 仍低于预警线</translation>
    </message>
    <message>
        <source>{n} below their warning lines: {skus}</source>
        <translation>{n} 个低于预警线：{skus}</translation>
    </message>
    <message>
        <source>no SKU surging now</source>
        <translation>当前无商品激增</translation>
    </message>
    <message>
        <source>surging: {skus}</source>
        <translation>激增中：{skus}</translation>
    </message>
    <message>
        <source>{n} SKUs at once: {skus}</source>
        <translation>{n} 个商品同时：{skus}</translation>
    </message>
    <message>
        <source>avail {n}</source>
        <translation>可售 {n}</translation>
    </message>
    <message>
        <source>line {n}</source>
        <translation>预警线 {n}</translation>
    </message>
    <message>
        <source>safety {n}</source>
        <translation>安全库存 {n}</translation>
    </message>
    <message>
        <source>losing {r}/min</source>
        <translation>每分钟流失 {r}</translation>
    </message>
    <message>
        <source>{r}/min</source>
        <translation>{r}/分钟</translation>
    </message>
    <message>
        <source>forecast {n} in {m:g} min</source>
        <translation>预测 {m:g} 分钟内售出 {n}</translation>
    </message>
    <message>
        <source>carts {r}/min</source>
        <translation>加购 {r}/分钟</translation>
    </message>
    <message>
        <source>sell-out {t}</source>
        <translation>{t}后售罄</translation>
    </message>
    <message>
        <source>unsteady</source>
        <translation>不稳定</translation>
    </message>
    <message>
        <source>Level changed {n} times in this episode</source>
        <translation>本次问题中级别变化了 {n} 次</translation>
    </message>
</context>
<context>
    <name>FailureBanner</name>
    <message>
        <source>Show SKU</source>
        <translation>查看商品</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Dismiss (Ctrl+D)</source>
        <translation>关闭（Ctrl+D）</translation>
    </message>
    <message>
        <source>{op} {sku} {state}: {error}</source>
        <translation>{op} {sku} {state}：{error}</translation>
    </message>
    <message>
        <source>(auto action)</source>
        <translation>（自动操作）</translation>
    </message>
    <message>
        <source>· {n} more failed</source>
        <translation>· 另有 {n} 条失败</translation>
    </message>
</context>
<context>
    <name>HeaderBar</name>
    <message>
        <source>Room</source>
        <translation>直播间</translation>
    </message>
    <message>
        <source>Session</source>
        <translation>场次时长</translation>
    </message>
    <message>
        <source>Viewers</source>
        <translation>在线人数</translation>
    </message>
    <message>
        <source>GMV</source>
        <translation>成交额</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>件数</translation>
    </message>
    <message>
        <source>On air</source>
        <translation>讲解中</translation>
    </message>
    <message>
        <source>Feed</source>
        <translation>数据流</translation>
    </message>
    <message>
        <source>Commands</source>
        <translation>指令通道</translation>
    </message>
    <message>
        <source>Firing alerts</source>
        <translation>告警</translation>
    </message>
    <message numerus="yes">
        <source>%n firing {level} alert(s)</source>
        <translation>
            <numerusform>%n 条{level}告警</numerusform>
        </translation>
    </message>
    <message>
        <source>Shop clock {t}</source>
        <translation>店铺时间 {t}</translation>
    </message>
    <message>
        <source>CORE STOPPED</source>
        <translation>核心已停止</translation>
    </message>
    <message>
        <source>{s} s behind the shop</source>
        <translation>落后店铺 {s} 秒</translation>
    </message>
    <message>
        <source>silent {s} s</source>
        <translation>{s} 秒无消息</translation>
    </message>
    <message>
        <source>gap: {g}</source>
        <translation>缺口：{g}</translation>
    </message>
    <message>
        <source>stock changed without a restock: {d}</source>
        <translation>库存变动（非本台补货）：{d}</translation>
    </message>
    <message>
        <source>seq {seq} · {n} resyncs</source>
        <translation>序号 {seq} · 重新同步 {n} 次</translation>
    </message>
    <message>
        <source>Feed {state}: {events} events, {rejects} rejected, {gaps} gaps, {resyncs} resyncs; last message {age} s ago</source>
        <translation>数据流{state}：{events} 条事件，拒收 {rejects}，缺口 {gaps}，重新同步 {resyncs} 次；最后一条消息在 {age} 秒前</translation>
    </message>
    <message>
        <source>CORE HUNG</source>
        <translation>核心无响应</translation>
    </message>
    <message>
        <source>CONNECTION LOST</source>
        <translation>连接已断开</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <source>Keyboard shortcuts  ·  F1 or Esc closes</source>
        <translation>快捷键  ·  按 F1 或 Esc 关闭</translation>
    </message>
    <message>
        <source>Settings, preferences, rooms</source>
        <translation>设置、偏好、直播间</translation>
    </message>
    <message>
        <source>Session logs</source>
        <translation>场次日志</translation>
    </message>
    <message>
        <source>About controlroom {v}</source>
        <translation>关于 controlroom {v}</translation>
    </message>
    <message>
        <source>&lt;room&gt;-&lt;start&gt;.sqlite</source>
        <translation>&lt;直播间&gt;-&lt;开始时间&gt;.sqlite</translation>
    </message>
</context>
<context>
    <name>HostDesk</name>
    <message>
        <source>This desk&apos;s core shares no state stream, so no host view can join it.</source>
        <translation>此中控台的核心未共享状态流，主播屏无法接入。</translation>
    </message>
    <message>
        <source>Host screen</source>
        <translation>主播屏</translation>
    </message>
    <message>
        <source>Open the host view full screen on:</source>
        <translation>在此屏幕上全屏打开主播屏：</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Host screen…</source>
        <translation>主播屏…</translation>
    </message>
    <message>
        <source>Open the host view (主播屏) full screen on another monitor</source>
        <translation>在另一台显示器上全屏打开主播屏</translation>
    </message>
</context>
<context>
    <name>HostPromptBar</name>
    <message>
        <source>Host prompt</source>
        <translation>主播提示</translation>
    </message>
    <message>
        <source>Host prompt:</source>
        <translation>主播提示：</translation>
    </message>
    <message>
        <source>Words for the host, shown large on the host screen (Enter sends)</source>
        <translation>给主播的话，在主播屏上大字显示（回车发送）</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>item </source>
        <translation>序号 </translation>
    </message>
    <message>
        <source>Type a host prompt</source>
        <translation>输入主播提示</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Take the prompt off the host screen</source>
        <translation>从主播屏上撤下提示</translation>
    </message>
    <message>
        <source>Restock coming</source>
        <translation>即将补货</translation>
    </message>
    <message>
        <source>Move on to</source>
        <translation>切到商品</translation>
    </message>
    <message>
        <source>Push the cart now</source>
        <translation>现在引导加购下单</translation>
    </message>
    <message>
        <source>Host prompt: type it, send it, take it off the host screen</source>
        <translation>主播提示：输入、发送、从主播屏撤下</translation>
    </message>
    <message>
        <source>Host prompt presets: restock coming, move on to the item, push the cart</source>
        <translation>主播提示预设：即将补货、切到商品、催促下单</translation>
    </message>
</context>
<context>
    <name>HostView</name>
    <message>
        <source>LEFT</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>Only {n} left</source>
        <translation>仅剩 {n} 件</translation>
    </message>
    <message>
        <source>ALMOST GONE</source>
        <translation>库存告急</translation>
    </message>
    <message>
        <source>SOLD OUT</source>
        <translation>已售罄</translation>
    </message>
    <message>
        <source>FROZEN</source>
        <translation>已冻结</translation>
    </message>
    <message>
        <source>orders paused · {n} in stock</source>
        <translation>暂停下单 · 库存 {n} 件</translation>
    </message>
    <message>
        <source>no stock left</source>
        <translation>库存已清空</translation>
    </message>
    <message>
        <source>sells out in ~{t}</source>
        <translation>约 {t} 后售罄</translation>
    </message>
    <message>
        <source>{n} sold this show</source>
        <translation>本场已售 {n} 件</translation>
    </message>
    <message>
        <source>not selling out soon</source>
        <translation>暂无售罄风险</translation>
    </message>
    <message>
        <source>NEXT</source>
        <translation>接下来</translation>
    </message>
    <message>
        <source>{n} left</source>
        <translation>剩 {n} 件</translation>
    </message>
    <message>
        <source>NOW SELLING</source>
        <translation>正在讲解</translation>
    </message>
    <message>
        <source>No item is featured</source>
        <translation>当前没有讲解中的商品</translation>
    </message>
    <message>
        <source>LIVE</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>CONNECTION LOST</source>
        <translation>连接已断开</translation>
    </message>
    <message>
        <source>These numbers are not live. Do not read them on air.</source>
        <translation>数据不是实时的，请勿照读。</translation>
    </message>
    <message>
        <source>no data for {s} s · reconnecting…</source>
        <translation>已 {s} 秒无数据 · 正在重连…</translation>
    </message>
    <message>
        <source>CONNECTING…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>waiting for the control room&apos;s engine</source>
        <translation>等待中控台引擎</translation>
    </message>
    <message>
        <source>waiting for room {room} (this engine serves {other})</source>
        <translation>等待直播间 {room}（此引擎服务 {other}）</translation>
    </message>
    <message>
        <source>FROM {who}</source>
        <translation>来自 {who}</translation>
    </message>
    <message>
        <source>SAY IT NOW</source>
        <translation>请口播</translation>
    </message>
    <message>
        <source>Restock coming in {n} min</source>
        <translation>{n} 分钟后补货</translation>
    </message>
    <message>
        <source>Move on to item {n}</source>
        <translation>请切到 {n} 号商品</translation>
    </message>
    <message>
        <source>Push the cart now</source>
        <translation>现在引导加购下单</translation>
    </message>
    <message>
        <source>Only {n} left — tell them to order now!</source>
        <translation>仅剩 {n} 件，快提醒大家下单！</translation>
    </message>
    <message>
        <source>Sold out — thank them and move on</source>
        <translation>已售罄，感谢大家，切下一件</translation>
    </message>
    <message>
        <source>Sold out — thank them and move on to {name}</source>
        <translation>已售罄，感谢大家，切到 {name}</translation>
    </message>
    <message>
        <source>{m} min {s} s</source>
        <translation>{m} 分 {s} 秒</translation>
    </message>
    <message>
        <source>{s} s</source>
        <translation>{s} 秒</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分</translation>
    </message>
</context>
<context>
    <name>HostWindow</name>
    <message>
        <source>Host screen</source>
        <translation>主播屏</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>watch</source>
        <translation>关注</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>losing sales</source>
        <translation>流失</translation>
    </message>
    <message>
        <source>feed</source>
        <translation>数据流</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
    <message>
        <source>traffic driver</source>
        <translation>引流款</translation>
    </message>
    <message>
        <source>profit</source>
        <translation>利润款</translation>
    </message>
    <message>
        <source>long tail</source>
        <translation>长尾款</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>连接中</translation>
    </message>
    <message>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <source>stale</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>resyncing</source>
        <translation>同步中</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>retrying</source>
        <translation>重试中</translation>
    </message>
    <message>
        <source>down</source>
        <translation>不可用</translation>
    </message>
    <message>
        <source>Freeze</source>
        <translation>冻结</translation>
    </message>
    <message>
        <source>Unfreeze</source>
        <translation>解冻</translation>
    </message>
    <message>
        <source>Restock</source>
        <translation>补货</translation>
    </message>
    <message>
        <source>Exposure</source>
        <translation>曝光</translation>
    </message>
    <message>
        <source>Delist</source>
        <translation>下架</translation>
    </message>
    <message>
        <source>Relist</source>
        <translation>上架</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>发送中…</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待回执</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>已执行</translation>
    </message>
    <message>
        <source>REJECTED</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>unknown — checking</source>
        <translation>未知 — 核实中</translation>
    </message>
    <message>
        <source>no answer yet, retrying</source>
        <translation>尚无回执，重试中</translation>
    </message>
    <message>
        <source>not reported by the core yet (it expires unsent after its deadline)</source>
        <translation>核心尚未回报（超过截止时间仍未发出则作废）</translation>
    </message>
    <message>
        <source>{n}s</source>
        <translation>{n}秒</translation>
    </message>
    <message>
        <source>{m}m</source>
        <translation>{m}分</translation>
    </message>
    <message>
        <source>{h}h{m}m</source>
        <translation>{h}时{m}分</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>运营</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>{n} h</source>
        <translation>{n} 小时</translation>
    </message>
    <message>
        <source>not in sight</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>{n}s ago</source>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <source>{m}m {s}s ago</source>
        <translation>{m} 分 {s} 秒前</translation>
    </message>
    <message>
        <source>{h}h {m}m ago</source>
        <translation>{h} 小时 {m} 分前</translation>
    </message>
</context>
<context>
    <name>NotifyStatus</name>
    <message>
        <source>{name} DOWN: {err}</source>
        <translation>{name} 故障：{err}</translation>
    </message>
    <message>
        <source>{name} misconfigured: {err}</source>
        <translation>{name} 配置错误：{err}</translation>
    </message>
    <message>
        <source>escalated: {text}</source>
        <translation>已升级：{text}</translation>
    </message>
    <message>
        <source>notifications: {n} target(s) ok</source>
        <translation>通知：{n} 个目标正常</translation>
    </message>
    <message>
        <source>notifications: </source>
        <translation>通知：</translation>
    </message>
    <message>
        <source>{name} ({fmt}): {state} · sent {sent} · failed {failed}{err}</source>
        <translation>{name}（{fmt}）：{state} · 已发 {sent} · 失败 {failed}{err}</translation>
    </message>
</context>
<context>
    <name>NumberField</name>
    <message>
        <source>a whole number</source>
        <translation>整数</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>and</source>
        <translation>和</translation>
    </message>
    <message>
        <source>Refused: {t!r} is not {r}</source>
        <translation>已拒绝：{t!r} 不是{r}</translation>
    </message>
    <message>
        <source>Refused: allowed is {r}</source>
        <translation>已拒绝：允许范围为 {r}</translation>
    </message>
    <message>
        <source>Refused: {v} is out of range; allowed is {r}</source>
        <translation>已拒绝：{v} 超出范围；允许范围为 {r}</translation>
    </message>
    <message>
        <source>{v} is far outside the usual range {lo} – {hi}</source>
        <translation>{v} 远超常用范围 {lo} – {hi}</translation>
    </message>
</context>
<context>
    <name>OverviewTab</name>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <source>What it means</source>
        <translation>含义</translation>
    </message>
    <message>
        <source>Moments</source>
        <translation>时刻</translation>
    </message>
    <message>
        <source>Double-click a figure to see its first moment on the timeline.</source>
        <translation>双击指标，在时间线上查看它的第一个时刻。</translation>
    </message>
    <message>
        <source>Session review — {room}</source>
        <translation>场次复盘 — {room}</translation>
    </message>
    <message>
        <source>{dur} of show · {events} events · {skus} SKUs · GMV ¥{gmv} · {units} units sold · {orders} orders</source>
        <translation>直播 {dur} · {events} 条事件 · {skus} 个商品 · 成交额 ¥{gmv} · 售出 {units} 件 · {orders} 笔订单</translation>
    </message>
    <message>
        <source>summary rows kept in the log</source>
        <translation>日志内的汇总行</translation>
    </message>
    <message>
        <source>summary cache</source>
        <translation>汇总缓存</translation>
    </message>
    <message>
        <source> · live: following the log as it is written</source>
        <translation> · 直播中：随日志写入实时更新</translation>
    </message>
    <message>
        <source>{file} · read-only · from the {src}{live}</source>
        <translation>{file} · 只读 · 数据来自{src}{live}</translation>
    </message>
    <message>
        <source>Median warning lead time</source>
        <translation>预警提前量（中位数）</translation>
    </message>
    <message>
        <source>How long before a sell-out the desk warned, typically; longer leaves time to restock.</source>
        <translation>中控台通常在售罄前多久发出预警；越早越有时间补货。</translation>
    </message>
    <message>
        <source>Sell-outs</source>
        <translation>售罄</translation>
    </message>
    <message>
        <source>Times a SKU&apos;s stock reached zero during the show.</source>
        <translation>直播中商品库存降到零的次数。</translation>
    </message>
    <message>
        <source>Misses</source>
        <translation>漏报</translation>
    </message>
    <message>
        <source>Sell-outs with no warning before them: the ones that surprised the team.</source>
        <translation>事先没有预警的售罄：让团队措手不及的那些。</translation>
    </message>
    <message>
        <source>False warnings</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>Warnings whose SKU did not sell out soon after and nobody acted on: noise.</source>
        <translation>预警后商品没有很快售罄、也无人处理：噪音。</translation>
    </message>
    <message>
        <source>Problems shown per 10 minutes</source>
        <translation>每 10 分钟显示的问题数</translation>
    </message>
    <message>
        <source>Episodes (one row per problem on the desk&apos;s Problems tab) per 10 minutes: how busy one operator was kept; above about 1 they start to tune alerts out.</source>
        <translation>每 10 分钟的告警事件数（中控台“问题”页上每个问题一行）：一名中控的忙碌程度；超过约 1 个就会开始忽略告警。</translation>
    </message>
    <message>
        <source>Alerts per 10 minutes</source>
        <translation>每 10 分钟告警数</translation>
    </message>
    <message>
        <source>Raw alert instances of every level, before episodes merged them: the engine&apos;s own churn.</source>
        <translation>合并为事件之前各级别的原始告警次数：引擎自身的波动。</translation>
    </message>
    <message>
        <source>Oversold units</source>
        <translation>超卖件数</translation>
    </message>
    <message>
        <source>Units sold beyond stock and cancelled: each is an unhappy buyer.</source>
        <translation>超出库存卖出又被取消的件数：每一件都是一位不满的买家。</translation>
    </message>
    <message>
        <source>Estimated lost sales</source>
        <translation>估计损失销售</translation>
    </message>
    <message>
        <source>Buyers turned away while SKUs were sold out or frozen (estimate). Most: {where}</source>
        <translation>商品售罄或冻结期间流失的买家（估计）。最多：{where}</translation>
    </message>
    <message>
        <source>Feed incidents</source>
        <translation>数据流异常</translation>
    </message>
    <message>
        <source>Times the shop&apos;s feed went stale, gapped or resynced: the desk was partly blind.</source>
        <translation>店铺数据流停滞、缺号或重新同步的次数：这段时间中控台看不全。</translation>
    </message>
    <message numerus="yes">
        <source>%n moment(s)</source>
        <translation>
            <numerusform>%n 个时刻</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewWindow</name>
    <message>
        <source>controlroom — session review</source>
        <translation>直播中控台 — 场次复盘</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>What-if</source>
        <translation>假设推演</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Open a session log (File → Open) or drop a .sqlite file here.</source>
        <translation>打开场次日志（文件 → 打开），或把 .sqlite 文件拖到这里。</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Compare with…</source>
        <translation>对比(&amp;C)…</translation>
    </message>
    <message>
        <source>Export report (&amp;HTML)…</source>
        <translation>导出报告 (&amp;HTML)…</translation>
    </message>
    <message>
        <source>Export tables (&amp;CSV)…</source>
        <translation>导出表格 (&amp;CSV)…</translation>
    </message>
    <message>
        <source>Export chart (&amp;PNG)…</source>
        <translation>导出图表 (&amp;PNG)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Open a session log</source>
        <translation>打开场次日志</translation>
    </message>
    <message>
        <source>Session logs (*.sqlite);;All files (*)</source>
        <translation>场次日志 (*.sqlite);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Compare with</source>
        <translation>对比</translation>
    </message>
    <message>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <source>Building the summary of an older log (once): {done} of {total} events</source>
        <translation>正在为旧版日志生成汇总（仅一次）：{done} / {total} 条事件</translation>
    </message>
    <message>
        <source>Opening cancelled.</source>
        <translation>已取消打开。</translation>
    </message>
    <message>
        <source>{name} — session review</source>
        <translation>{name} — 场次复盘</translation>
    </message>
    <message>
        <source>Exported {p}</source>
        <translation>已导出 {p}</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>导出报告</translation>
    </message>
    <message>
        <source>Export tables into</source>
        <translation>导出表格到</translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation>导出图表</translation>
    </message>
</context>
<context>
    <name>RoomsDesk</name>
    <message>
        <source>Room {room} — live stock control room</source>
        <translation>直播间 {room} — 直播库存中控台</translation>
    </message>
    <message>
        <source>&amp;Rooms</source>
        <translation>直播间(&amp;R)</translation>
    </message>
    <message>
        <source>Rooms overview</source>
        <translation>直播间总览</translation>
    </message>
    <message>
        <source>Room list not reloaded: {error}</source>
        <translation>直播间列表未重新读取：{error}</translation>
    </message>
</context>
<context>
    <name>RoomsModel</name>
    <message>
        <source>Room</source>
        <translation>直播间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Worst alert</source>
        <translation>最严重告警</translation>
    </message>
    <message>
        <source>Frozen with stock</source>
        <translation>冻结但有货</translation>
    </message>
    <message>
        <source>Lost sales so far</source>
        <translation>至今损失销售</translation>
    </message>
    <message>
        <source>GMV</source>
        <translation>成交额</translation>
    </message>
    <message>
        <source>connection lost</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <source>no connection</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source> (+{n})</source>
        <translation>（另 {n} 条）</translation>
    </message>
    <message>
        <source>{units} units · {money}</source>
        <translation>{units} 件 · {money}</translation>
    </message>
    <message>
        <source>No word from this room&apos;s engine; the figures are its last known ones (greyed).</source>
        <translation>该直播间的引擎没有任何消息；显示的是最后已知的数字（灰色）。</translation>
    </message>
    <message>
        <source>This room&apos;s engine has not answered since the overview opened: is it running, and are its endpoints and keys in the room list right?</source>
        <translation>自总览打开以来该直播间的引擎没有应答：它在运行吗？直播间列表里的地址和密钥正确吗？</translation>
    </message>
    <message>
        <source>Click to open room {name} in the desk</source>
        <translation>单击在中控台中打开直播间 {name}</translation>
    </message>
</context>
<context>
    <name>RoomsOverview</name>
    <message>
        <source>{n} rooms · {lost} lost · {hot} with critical alerts</source>
        <translation>{n} 个直播间 · {lost} 个连接中断 · {hot} 个有严重告警</translation>
    </message>
</context>
<context>
    <name>RoomsWindow</name>
    <message>
        <source>Rooms</source>
        <translation>直播间</translation>
    </message>
    <message>
        <source>Reload the room list</source>
        <translation>重新读取直播间列表</translation>
    </message>
    <message>
        <source>&amp;Rooms</source>
        <translation>直播间(&amp;R)</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Changes apply to the running show at once and are written to the session log. Hover a field for its full description.</source>
        <translation>修改会立即作用于正在进行的直播，并写入场次日志。鼠标悬停可查看完整说明。</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <source>Per-SKU tier</source>
        <translation>单品分层</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>通知渠道</translation>
    </message>
    <message>
        <source>Apply and close</source>
        <translation>应用并关闭</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>A per-SKU tier beats the tier the shop sends. Pick a SKU and a tier, then Set.</source>
        <translation>单品分层优先于店铺下发的分层。选择商品和分层，然后点“设置”。</translation>
    </message>
    <message>
        <source>Set override</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Current overrides</source>
        <translation>当前单品分层</translation>
    </message>
    <message>
        <source>Remove selected override</source>
        <translation>移除所选单品分层</translation>
    </message>
    <message>
        <source>Unusual values</source>
        <extracomment>Answers &quot;apply anyway?&quot; for far-out values; a test may replace it (the default asks in a message box).</extracomment>
        <translation>异常取值</translation>
    </message>
    <message>
        <source>Apply these values anyway?

{items}</source>
        <translation>仍然应用这些取值？

{items}</translation>
    </message>
    <message numerus="yes">
        <source>Not applied: %n field(s) refused — see the red fields ({keys}).</source>
        <translation>
            <numerusform>未应用：%n 个字段被拒绝 — 见红色字段（{keys}）。</numerusform>
        </translation>
    </message>
    <message>
        <source>Not applied: unusual values not confirmed ({keys}).</source>
        <translation>未应用：异常取值未确认（{keys}）。</translation>
    </message>
    <message>
        <source>Not applied: {err}</source>
        <translation>未生效：{err}</translation>
    </message>
</context>
<context>
    <name>SettingsDoc</name>
    <message>
        <source>endpoint</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>the shop&apos;s PUB socket (events)</source>
        <translation>店铺的 PUB 套接字（事件）</translation>
    </message>
    <message>
        <source>the shop&apos;s ROUTER socket (snapshot and commands)</source>
        <translation>店铺的 ROUTER 套接字（快照与指令）</translation>
    </message>
    <message>
        <source>s</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>no message for this long (wall clock) marks the feed stale</source>
        <translation>超过此时长（墙钟）没有消息即视为数据流中断</translation>
    </message>
    <message>
        <source>longest wait between snapshot retries</source>
        <translation>快照重试之间的最长等待</translation>
    </message>
    <message>
        <source>room id</source>
        <translation>直播间 ID</translation>
    </message>
    <message>
        <source>accept only this room&apos;s events (unset: the first snapshot&apos;s room)</source>
        <translation>只接收此直播间的事件（未设置：以第一个快照为准）</translation>
    </message>
    <message>
        <source>messages</source>
        <translation>条消息</translation>
    </message>
    <message>
        <source>most feed messages queued unread in the core (0: no bound); past it the shop&apos;s queue fills and drops, which the client sees as a gap and resyncs from a snapshot</source>
        <translation>核心中最多排队的未读数据流消息数（0：不设上限）；超过后由店铺的发送队列积压并丢弃，客户端将其识别为序号缺口，并通过快照重新同步</translation>
    </message>
    <message>
        <source>choice</source>
        <translation>选项</translation>
    </message>
    <message>
        <source>alert policy: engine, or a baseline: naive or static</source>
        <translation>告警策略：引擎，或基线：朴素 / 固定阈值</translation>
    </message>
    <message>
        <source>units</source>
        <translation>件</translation>
    </message>
    <message>
        <source>static baseline: warn below this many units</source>
        <translation>固定阈值基线：低于此件数即预警</translation>
    </message>
    <message>
        <source>x</source>
        <translation>倍</translation>
    </message>
    <message>
        <source>naive baseline: warning line = this x predicted window sales</source>
        <translation>朴素基线：预警线 = 此倍数 × 窗口预计销量</translation>
    </message>
    <message>
        <source>min</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>naive baseline: the window its session-average rate predicts</source>
        <translation>朴素基线：用场均速度预测的窗口长度</translation>
    </message>
    <message>
        <source>time scale of the instant rate (safety stock, flash sales)</source>
        <translation>瞬时速度的时间尺度（安全库存、秒杀）</translation>
    </message>
    <message>
        <source>time scale of the fast burn rate</source>
        <translation>快速消耗速度的时间尺度</translation>
    </message>
    <message>
        <source>time scale of the medium burn rate</source>
        <translation>中速消耗速度的时间尺度</translation>
    </message>
    <message>
        <source>time scale of the slow burn rate (the baseline surges are measured against)</source>
        <translation>慢速消耗速度的时间尺度（判断激增的基准）</translation>
    </message>
    <message>
        <source>time scale of the long-run rate (features included) that keeps a warning from clearing</source>
        <translation>长期速度的时间尺度（含讲解时段），用于防止预警过早解除</translation>
    </message>
    <message>
        <source>seconds of observation the tier&apos;s prior rate is worth (cold start)</source>
        <translation>分层先验速度相当于多少秒的观测（冷启动）</translation>
    </message>
    <message>
        <source>orders</source>
        <translation>单</translation>
    </message>
    <message>
        <source>the slow and long-run rates&apos; prior fades as each rate&apos;s own data comes in (dynamic tiers): worth prior_strength_s x this / (this + units in that rate&apos;s decayed count) (0: it never fades)</source>
        <translation>慢速与长期速率的先验随该速率自身数据的积累而减弱（动态档位）：其权重为 prior_strength_s × 此值 / (此值 + 该速率衰减计数中的件数)（0：从不减弱）</translation>
    </message>
    <message>
        <source>the long tail&apos;s warning line (not its forecast or band) reads its long-run rates with a prior that fades like prior_fade_orders (0: the full prior, as its forecast)</source>
        <translation>长尾款的预警线（而非其预测或区间）读取长期速率时使用按 prior_fade_orders 方式减弱的先验（0：与其预测相同，使用完整先验）</translation>
    </message>
    <message>
        <source>one order counts at most this x the SKU&apos;s mean order size toward the rate</source>
        <translation>单笔订单计入速度时最多按平均单量的这么多倍</translation>
    </message>
    <message>
        <source>change detector: the rate multiple it looks for</source>
        <translation>变化检测：要识别的速度倍数</translation>
    </message>
    <message>
        <source>nats</source>
        <translation>奈特</translation>
    </message>
    <message>
        <source>change detector: log-likelihood ratio that declares a surge</source>
        <translation>变化检测：判定激增的对数似然比</translation>
    </message>
    <message>
        <source>units/min</source>
        <translation>件/分钟</translation>
    </message>
    <message>
        <source>change detector: floor on the baseline rate</source>
        <translation>变化检测：基准速度下限</translation>
    </message>
    <message>
        <source>a rise of another cause than a feature (order or cart change detector) lifts the warning line only once it has lasted this long without a break (noise that fires the detector for a few seconds does not); 0: at once</source>
        <translation>非主推原因的上升（订单或加购变化检测器）须不间断持续此时长后才抬高预警线（检测器因噪声触发几秒不会抬高）；0：立即抬高</translation>
    </message>
    <message>
        <source>an elevated rate is assumed to fade to the slow rate with this time constant</source>
        <translation>升高的速度按此时间常数回落到慢速</translation>
    </message>
    <message>
        <source>bool</source>
        <translation>开关</translation>
    </message>
    <message>
        <source>the long-run rate also raises the warning line (not only keeps it from clearing)</source>
        <translation>长期速度也可抬高预警线（不只是防止解除）</translation>
    </message>
    <message>
        <source>when a critical ends, the warning it hid takes over unless the warning&apos;s own exit condition is met (off: only while available is under the warning line itself)</source>
        <translation>严重告警结束时，被它遮住的预警接着显示，除非预警自身的解除条件已满足（关闭：仅当可售仍低于预警线本身时）</translation>
    </message>
    <message>
        <source>a warning that has fired also clears only once available covers the session&apos;s course (units sold this session / time since its start x the line&apos;s horizon, the naive rule&apos;s rate): a SKU on course to sell out over the whole show stays warned after a burst&apos;s after-glow (exit side only: it raises no warning)</source>
        <translation>已触发的预警还须等可售库存覆盖本场的整体走势才解除（本场已售件数 / 开播以来的时长 × 预警线的时间范围，即简单规则的速率）：按整场走势会售罄的 SKU 在一阵爆发的余温过后仍保持预警（只作用于解除：不会新触发预警）</translation>
    </message>
    <message>
        <source>ratio</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>weight of the rising-only trend term (during a detected rise)</source>
        <translation>上升趋势项的权重（检测到上升时）</translation>
    </message>
    <message>
        <source>a detected rise adds slope x this to the level (the fast rate&apos;s lag)</source>
        <translation>检测到上升时按斜率 × 此值抬高水平（补偿快速速度的滞后）</translation>
    </message>
    <message>
        <source>sigma</source>
        <translation>σ</translation>
    </message>
    <message>
        <source>width of the upper band (predicted_hi, pessimistic sell-out)</source>
        <translation>上界宽度（预测上限、悲观售罄时间）</translation>
    </message>
    <message>
        <source>x spread</source>
        <translation>× 离散度</translation>
    </message>
    <message>
        <source>the shown 80 % band is the forecast +- this x its spread until the room&apos;s own windows calibrate it per tier</source>
        <translation>在本直播间的窗口按档位校准之前，显示的 80% 区间为预测值 ± 该倍数 × 离散度</translation>
    </message>
    <message>
        <source>how fast the shown 80 % band&apos;s quantile level follows the band&apos;s own misses (its step per observed window) (adaptive conformal inference); 0: the plain 80th percentile of past windows</source>
        <translation>显示的 80% 区间的分位水平随区间自身未覆盖情况调整的速度（每个观测窗口的步长）（自适应共形推断）；0：直接取过往窗口的第 80 百分位</translation>
    </message>
    <message>
        <source>the windows still open count in the shown 80 % band&apos;s level at this weight of the miss rate their band is expected to have, so the level stops climbing once the band shown is wide enough rather than a whole window later (0: only windows that ended count)</source>
        <translation>尚未结束的窗口按其区间预期的未覆盖率、以此权重计入显示的 80% 区间的分位水平，使区间够宽时水平即停止上调，而不是晚一整个窗口（0：只计已结束的窗口）</translation>
    </message>
    <message>
        <source>a tier with few windows of its own reads its 80 % band at the level of the tiers forecasting the same way (same rate basis), not only from their windows</source>
        <translation>自身窗口尚少的档位，按预测方式相同（速率基准相同）的档位的分位水平取其 80% 区间，而不只借用它们的窗口</translation>
    </message>
    <message>
        <source>orders/add</source>
        <translation>单/加购</translation>
    </message>
    <message>
        <source>cart adds that become orders, assumed before a tier has its own data (units: x the mean order size)</source>
        <translation>分层自身数据不足时假设的加购转化为订单的比例（单位：平均单量的倍数）</translation>
    </message>
    <message>
        <source>adds</source>
        <translation>次加购</translation>
    </message>
    <message>
        <source>cart adds the conversion prior is worth</source>
        <translation>转化率先验相当于多少次加购</translation>
    </message>
    <message>
        <source>orders this long after a feature ends still count as featured demand</source>
        <translation>讲解结束后这段时间内的订单仍计为讲解需求</translation>
    </message>
    <message>
        <source>a feature is assumed to last this long until the room&apos;s own features are seen</source>
        <translation>在看到本直播间自己的讲解之前，假定一次讲解持续这么久</translation>
    </message>
    <message>
        <source>after a feature ends, its extra demand fades with this time constant</source>
        <translation>讲解结束后，额外需求按此时间常数消退</translation>
    </message>
    <message>
        <source>a feature that runs past its usual length is assumed to go on at least this long</source>
        <translation>超出通常时长的讲解，假定至少再持续这么久</translation>
    </message>
    <message>
        <source>cap on the featured SKU&apos;s rate uplift from an entry surge</source>
        <translation>进场高峰对讲解商品速度抬升的上限</translation>
    </message>
    <message>
        <source>viewers</source>
        <translation>人</translation>
    </message>
    <message>
        <source>audience at which the tiers&apos; prior rates apply</source>
        <translation>各分层先验速度对应的在线人数</translation>
    </message>
    <message>
        <source>a detected surge must last this long before watch fires (the detector already confirmed it)</source>
        <translation>检测到的激增需持续这么久才触发关注</translation>
    </message>
    <message>
        <source>windows</source>
        <translation>个窗口</translation>
    </message>
    <message>
        <source>a surge raises watch only if it would empty the SKU within this many windows</source>
        <translation>只有在这么多个窗口内会售罄的激增才触发关注</translation>
    </message>
    <message>
        <source>a warning that only the buffer on a burst makes (a feature&apos;s or a surge&apos;s: the stock covers the steady sales and the burst&apos;s expected sales, not the burst times its buffer) must hold this long before it fires, instead of the tier&apos;s pending_s; such a line is at its highest at the burst&apos;s onset and falls within seconds (0: the tier&apos;s pending_s)</source>
        <translation>仅由突发（讲解或流量激增）的缓冲系数造成的预警（库存够覆盖平稳销量加上突发的预期销量，但不够突发乘以缓冲系数）须持续这么久才触发，代替档位的待定时长；这种预警线在突发刚开始时最高，几秒内就会回落（0：用档位的待定时长）</translation>
    </message>
    <message>
        <source>adds/min</source>
        <translation>加购/分钟</translation>
    </message>
    <message>
        <source>sold-out SKU: cart adds per minute that raise &apos;losing sales&apos;</source>
        <translation>售罄商品：每分钟加购达到此值即发出“流失”告警</translation>
    </message>
    <message>
        <source>&apos;losing sales&apos; must hold this long before it fires</source>
        <translation>“流失”条件需持续这么久才触发</translation>
    </message>
    <message>
        <source>&apos;losing sales&apos; keeps firing this long after cart adds fall away</source>
        <translation>加购减少后“流失”告警仍保持这么久</translation>
    </message>
    <message>
        <source>raise one room-level alert while the feed is stale</source>
        <translation>数据流中断期间发出一条直播间级告警</translation>
    </message>
    <message>
        <source>alerts</source>
        <translation>条</translation>
    </message>
    <message>
        <source>resolved alerts kept in memory for the desk</source>
        <translation>中控台保留的已解除告警数量</translation>
    </message>
    <message>
        <source>tier</source>
        <translation>分层</translation>
    </message>
    <message>
        <source>tier for a SKU whose snapshot tier is unknown</source>
        <translation>快照中分层未知的商品所用分层</translation>
    </message>
    <message>
        <source>a watch (advisory) must fire this long before it opens an episode; warnings and criticals wait their tier&apos;s pending_s, a critical at safety stock none</source>
        <translation>关注（提示）需持续触发这么久才开启一个事件；预警和紧急按档位的 pending_s 等待，触及安全库存的紧急不等待</translation>
    </message>
    <message>
        <source>an episode&apos;s level steps down only this long after it last went up (a SKU swings at most up and down in this time)</source>
        <translation>事件的级别在上次升级这么久之后才会下降（一个商品在此时间内最多升降一次）</translation>
    </message>
    <message>
        <source>an episode whose alerts all resolved stays open (recovering) this long; the SKU&apos;s next alert within it continues it</source>
        <translation>所有告警都已恢复的事件保持开启（恢复中）这么久；期间该商品的下一个告警延续此事件</translation>
    </message>
    <message>
        <source>changes</source>
        <translation>次变化</translation>
    </message>
    <message>
        <source>a SKU whose alerts change level more than this often in the flap window is unsteady: held at its highest level</source>
        <translation>在抖动窗口内告警级别变化超过此次数的商品视为不稳定：保持在其最高级别</translation>
    </message>
    <message>
        <source>the flap window (an unsteady SKU is released after a window without a change)</source>
        <translation>抖动窗口（不稳定的商品在一个窗口内无变化后解除）</translation>
    </message>
    <message>
        <source>after the engine released its freeze, it freezes the SKU again only when stock truly runs out for this long</source>
        <translation>引擎自行解冻后的这段时间内，只有库存真正将尽时才会再次冻结该商品</translation>
    </message>
    <message>
        <source>freezes</source>
        <translation>次冻结</translation>
    </message>
    <message>
        <source>auto-freezes of one SKU in 10 minutes; more only when stock truly runs out</source>
        <translation>单个商品 10 分钟内的自动冻结次数上限；超出仅在库存真正将尽时冻结</translation>
    </message>
    <message>
        <source>time an operator takes to answer a freeze the engine asks for (a confirm tier): its prior, learned from the asks answered; a confirm tier&apos;s safety stock covers it</source>
        <translation>中控确认引擎所请求冻结（需确认的层级）所需的时间：初始值，之后从已答复的请求中学习；需确认层级的安全库存会覆盖这段时间</translation>
    </message>
    <message>
        <source>sd</source>
        <translation>个标准差</translation>
    </message>
    <message>
        <source>the safety stock also covers this many standard deviations of the units ordered while a freeze is in flight (their count is random: a few orders of several units), not only rate x lag x margin (0: the margin alone)</source>
        <translation>安全库存还覆盖冻结生效前下单件数的这么多个标准差（下单数是随机的：几笔多件订单），而不只是 速率 x 延迟 x 余量（0：只用余量）</translation>
    </message>
    <message>
        <source>an auto tier&apos;s reserve also covers a freeze&apos;s own flight: the longest time the room&apos;s last engine freezes took from being sent to the shop&apos;s acknowledgement (a core behind its feed, a slow command channel), on top of the storefront&apos;s lag; 0 until a freeze landed</source>
        <translation>自动冻结层级的安全库存还要覆盖冻结指令本身的在途时间：本直播间最近几次引擎冻结从发出到店铺确认所用的最长时间（核心处理落后于数据流、指令通道变慢时会长达数秒），叠加在店铺前台延迟之上；在第一次冻结生效前为 0</translation>
    </message>
    <message>
        <source>an auto tier&apos;s reserve also covers how far the core is behind the shop right now (the shop&apos;s clock, asked every second, minus the last event applied; feed/client.py): the orders of that time are already placed when a freeze decided now lands, the first freeze of a backlog included (the larger of this and freeze_transit counts)</source>
        <translation>自动冻结层级的安全库存还要覆盖核心此刻落后店铺的时间（每秒向店铺询问其时钟，减去最后处理的事件时间；见 feed/client.py）：现在决定的冻结生效时，这段时间里的订单已经下了，积压后的第一次冻结也不例外（与 freeze_transit 取两者中较大的一个）</translation>
    </message>
    <message>
        <source>x safety_lag_s</source>
        <translation>× safety_lag_s</translation>
    </message>
    <message>
        <source>the learned storefront lag never goes below this share of the tier&apos;s safety_lag_s (1: a faster storefront never shrinks the reserve; below 1 lets it, which oversold rising flash sales in testing)</source>
        <translation>学习到的店铺延迟不低于该档位 safety_lag_s 的这个比例（1：更快的店铺从不缩小预留；低于 1 则允许缩小，测试中在不断上升的闪购里超卖）</translation>
    </message>
    <message>
        <source>a freeze the engine sent (auto tiers) whose stock left is below the reserve is released in measured pulses: the storefront is opened for as long as that stock covers at the rate the freeze turned away (x safety_margin, + safety_z sd), then frozen again, each time the orders in flight have settled with stock left (the storefront&apos;s lag delays the release and the re-freeze alike; off: frozen until the reserve allows a whole release)</source>
        <translation>引擎发出的冻结(自动冻结的层级)若剩余库存低于预留量,则按测算的脉冲解冻:按冻结时被拒的需求速率(× safety_margin,再加 safety_z 个标准差)计算剩余库存能支撑多久,店面就开放多久,随后再次冻结;每当在途订单落定且仍有库存时重复一次(店面延迟对解冻和再冻结的影响相同;关闭:保持冻结,直到预留量允许整体解冻)</translation>
    </message>
    <message>
        <source>after a measured pulse&apos;s re-freeze, its orders in flight have settled once the storefront&apos;s measured lag plus this has passed since the acknowledgement and no order came for this long (0, the default: as after any freeze, no order for twice the lag and at least the lag + 2 s; 1 s measured on flash-sale, see docs/engine.md)</source>
        <translation>测算脉冲结束后再次冻结时，自确认起经过已测得的店面延迟再加这段时间，且这段时间内没有新订单，即认为在途订单已落定（0，默认：与任何冻结相同，两倍延迟内无订单，且至少为延迟 + 2 秒；在闪购场景中测过 1 秒，见工程文档）</translation>
    </message>
    <message>
        <source>a measured pulse too short for one step of the feed at full exposure (a flash lot&apos;s last units) is opened for one step at the lowered exposure that what is left covers (x safety_margin, + safety_z sd), when the rate the pulse is sized on is at least this (a flash: thousands of orders a minute); the rate that pulse measures judges the next release (0: off, such a lot stays frozen until the reserve allows a release)</source>
        <translation>测算脉冲若在全曝光下撑不满数据流的一个步长（秒杀批次的最后几件），且脉冲所依据的速率不低于此值（秒杀：每分钟数千单），则以剩余库存能覆盖的较低曝光开放一个步长（× safety_margin，再加 safety_z 个标准差）；该脉冲测得的速率用于判断下一次解冻（0：关闭，这样的批次保持冻结，直到预留量允许解冻）</translation>
    </message>
    <message>
        <source>pulse_settle_s for a pulse sized on a flash&apos;s rate (at least pulse_thin_rate_pm): its re-freeze&apos;s orders in flight have settled once the storefront&apos;s measured lag plus this has passed since the acknowledgement and no order came for this long (thousands of orders a minute leave no such gap while the storefront is open); other pulses keep pulse_settle_s (0: flash pulses keep it too)</source>
        <translation>按秒杀速率（不低于 pulse_thin_rate_pm）测算的脉冲所用的 pulse_settle_s：再次冻结后，自确认起经过已测得的店面延迟再加这段时间，且这段时间内没有新订单，即认为在途订单已落定（店面开放时，每分钟数千单不会留下这样的空档）；其他脉冲仍用 pulse_settle_s（0：秒杀脉冲也用它）</translation>
    </message>
    <message>
        <source>this many SKUs with a watch alone (each for episode_pending_s) open the room&apos;s surge episode, the one row that lists every SKU with a watch and nothing worse until the surges have been over for episode_quiet_s (1: every watch is shown there, never as a row of its own; 0: never group)</source>
        <translation>有这么多商品仅处于关注（各持续 episode_pending_s）时，打开直播间的激增事件：这一行列出所有仅处于关注、没有更高级别的商品，直到激增结束满 episode_quiet_s（1：每个关注都只显示在这一行，不单独成行；0：从不合并）</translation>
    </message>
    <message>
        <source>a SKU&apos;s warning is listed in the room&apos;s warning wave, one row, rather than a row of its own when this many SKUs were warned within episode_wave_window_s (a room-wide cause such as a traffic surge); a member that goes critical leaves it (0: never)</source>
        <translation>当 episode_wave_window_s 内有这么多商品触发预警时（全场性的原因，如流量激增），商品的预警列入直播间的预警潮这一行，而不单独成行；升级为紧急的商品离开它（0：从不）</translation>
    </message>
    <message>
        <source>warnings this close to each other are one room-wide wave: a SKU warned within this time of the wave&apos;s last new member joins it</source>
        <translation>彼此间隔在此时间内的预警合为一个全场预警潮：在预警潮最近一个新成员之后这段时间内触发预警的商品加入它</translation>
    </message>
    <message>
        <source>SKUs</source>
        <translation>个商品</translation>
    </message>
    <message>
        <source>an open warning wave also takes a later wave of warnings (episode_wave_min_skus SKUs warned within episode_wave_window_s), whose own new rows end there, rather than leaving them rows of their own beside it; and a room row left with one SKU that escalates (the surge row&apos;s only member warned or worse, the wave&apos;s only member critical) goes on as that SKU&apos;s row in place (off: they leave it with a new row)</source>
        <translation>已打开的预警潮也收纳之后的一波预警（episode_wave_window_s 内有 episode_wave_min_skus 个商品触发预警），这些商品刚单独打开的行在此结束，而不是在它旁边各占一行；只剩一个商品的直播间行在该商品升级时（激增行的唯一成员进入预警或更高级别、预警潮的唯一成员升级为紧急）原地续为该商品自己的行（关闭：它离开并另开一行）</translation>
    </message>
    <message>
        <source>while the room&apos;s warning wave lists SKUs below their warning lines, a SKU newly warned is listed there too rather than opening a row of its own, however long after the wave&apos;s last new member (the room&apos;s warning row is on the screen; one more name in it is not a new problem); a member that goes critical still leaves it (off: only within episode_wave_window_s of the wave&apos;s last new member)</source>
        <translation>当全场预警波次仍列有低于预警线的 SKU 时，新触发预警的 SKU 也列入其中，而不单独开一行，无论距波次最后一个新成员多久（全场预警行已在屏幕上，多一个名字不算新问题）；成员升为严重时仍单独成行（关闭：仅在距波次最后一个新成员 episode_wave_window_s 之内才列入）</translation>
    </message>
    <message>
        <source>forecast window: predicted sales are over this many minutes</source>
        <translation>预测窗口：预计销量按这么多分钟计算</translation>
    </message>
    <message>
        <source>warning line = multiplier x predicted window sales</source>
        <translation>预警线 = 倍数 × 窗口预计销量</translation>
    </message>
    <message>
        <source>the warning line never drops below this (for a selling SKU)</source>
        <translation>预警线的下限（对在售商品）</translation>
    </message>
    <message>
        <source>the warning line&apos;s steady part covers at least this many minutes of the steady rate, above multiplier x window (traffic drivers: 45, the rule of thumb&apos;s 1.5 x 30 min, where their 2 x 15 min warned later than the naive rule on the same demand); 0: multiplier x window alone</source>
        <translation>预警线的稳定部分至少覆盖按稳定速率计算的这么多分钟的销量，高于倍数 × 窗口时以此为准（引流款：45，即经验法则的 1.5 × 30 分钟；其 2 × 15 分钟在同样的需求下比简单规则预警得晚）；0：仅用倍数 × 窗口</translation>
    </message>
    <message>
        <source>hysteresis: a condition clears only past threshold x this</source>
        <translation>滞回：越过阈值 × 此倍数才解除</translation>
    </message>
    <message>
        <source>critical when the pessimistic sell-out is nearer than this</source>
        <translation>悲观售罄时间早于此值即为紧急</translation>
    </message>
    <message>
        <source>freeze-in-flight time the safety stock must cover</source>
        <translation>安全库存需覆盖的冻结生效时间</translation>
    </message>
    <message>
        <source>safety stock = rate x lag x margin</source>
        <translation>安全库存 = 速度 × 延迟 × 余量</translation>
    </message>
    <message>
        <source>safety stock never drops below this</source>
        <translation>安全库存的下限</translation>
    </message>
    <message>
        <source>at safety stock: auto (freeze), confirm (ask the operator), off</source>
        <translation>到达安全库存时：自动冻结 / 询问运营 / 关闭</translation>
    </message>
    <message>
        <source>a condition must hold this long before its alert fires</source>
        <translation>条件需持续这么久才触发告警</translation>
    </message>
    <message>
        <source>a cleared alert keeps firing (recovering) this long before it resolves</source>
        <translation>条件消失后告警保持（恢复中）这么久才解除</translation>
    </message>
    <message>
        <source>cold start: rate assumed before the SKU&apos;s own data</source>
        <translation>冷启动：商品自身数据不足时假设的速度</translation>
    </message>
    <message>
        <source>cold start: rate assumed while featured, before the SKU&apos;s own featured data</source>
        <translation>冷启动：讲解时、自身讲解数据不足前假设的速度</translation>
    </message>
    <message>
        <source>dynamic (multi-scale rate, change detector, leading indicators) or longrun (one long-run rate: the simple rule)</source>
        <translation>动态（多尺度速度、变化检测、先行指标）或长期（单一长期速度的简单规则）</translation>
    </message>
    <message>
        <source>raise watch alerts (surges) for this tier</source>
        <translation>为此分层发出关注（激增）告警</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <source>lower the SKU&apos;s exposure to at most this weight: before an auto-freeze, at lower_exposure_at x safety stock; and to release a freeze whose stock left is below the reserve at full exposure (1: never; needs auto_freeze auto or confirm)</source>
        <translation>把该商品的曝光最多降到这个权重：自动冻结之前，在 lower_exposure_at × 安全库存处先降；冻结后剩余库存低于全曝光所需预留时，以降低的曝光解冻（1：从不；仅在该档位自动冻结或询问运营时）</translation>
    </message>
    <message>
        <source>x safety stock</source>
        <translation>× 安全库存</translation>
    </message>
    <message>
        <source>the line, in safety stocks, at which exposure is lowered before a freeze (1: never before; only the release at a lower exposure)</source>
        <translation>冻结之前降低曝光的库存线（以安全库存的倍数计；1：冻结前不降，只在解冻时降低曝光）</translation>
    </message>
    <message>
        <source>let cart adds and featured traffic raise the predicted rate</source>
        <translation>允许加购和讲解流量抬高预测速度</translation>
    </message>
    <message>
        <source>the shown 80 % band also learns from each window at half its length (hears of a change sooner; off where early misses would only widen the rest of the show&apos;s band)</source>
        <translation>显示的 80% 区间在每个窗口过半时也学习一次（更早察觉变化；若开场的未覆盖只会让此后整场的区间变宽，则关闭）</translation>
    </message>
    <message>
        <source>per-SKU tier override (beats the snapshot&apos;s tier)</source>
        <translation>单品分层（优先于快照中的分层）</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>毫秒</translation>
    </message>
    <message>
        <source>a command unanswered this long is retried</source>
        <translation>指令超过此时间未应答即重试</translation>
    </message>
    <message>
        <source>count</source>
        <translation>次</translation>
    </message>
    <message>
        <source>unanswered attempts on one connection before the client reconnects (0 counts as 1)</source>
        <translation>同一连接上未应答多少次后重新连接（0 按 1 计）</translation>
    </message>
    <message>
        <source>attempts in all (across reconnects) before a command is declared failed</source>
        <translation>判定指令失败前的总尝试次数（含重连）</translation>
    </message>
    <message>
        <source>every command carries a deadline this far ahead: the shop refuses it unapplied after that, so an unanswered command&apos;s fate is always the shop&apos;s answer to a retry (0: no deadline, unanswered means failed)</source>
        <translation>每条指令都带有这么久之后的截止时间：过期后店铺拒绝执行，因此未获回执的指令结果总以店铺对重试的回答为准（0：无截止时间，未回执即失败）</translation>
    </message>
    <message>
        <source>path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>session log file (unset: sessions/&lt;room&gt;-&lt;start&gt;.sqlite)</source>
        <translation>场次日志文件（未设置：sessions/&lt;直播间&gt;-&lt;开始时间&gt;.sqlite）</translation>
    </message>
    <message>
        <source>group commit: the writer commits at least this often</source>
        <translation>批量提交：写入线程至少这么频繁地提交</translation>
    </message>
    <message>
        <source>rows</source>
        <translation>行</translation>
    </message>
    <message>
        <source>group commit: or after this many rows</source>
        <translation>批量提交：或累计这么多行后提交</translation>
    </message>
    <message>
        <source>rows waiting for the writer at most; at this bound the core waits for the writer (the feed&apos;s backlog stays in its socket) and nothing is dropped</source>
        <translation>等待写入的行数上限；达到上限时核心线程等待写入线程（数据流的积压留在其套接字中），不丢弃任何数据</translation>
    </message>
    <message>
        <source>list of tables</source>
        <translation>表列表</translation>
    </message>
    <message>
        <source>webhooks: [[notify.webhooks]] tables {url, levels, states, headers}; levels default critical, lost_sales, feed; states default firing, resolved</source>
        <translation>Webhook：[[notify.webhooks]] 表 {url, levels, states, headers}；levels 默认 critical、lost_sales、feed；states 默认 firing、resolved</translation>
    </message>
    <message>
        <source>a webhook call unanswered this long counts as failed</source>
        <translation>Webhook 调用超过此时间未应答即视为失败</translation>
    </message>
    <message>
        <source>retries of a failed webhook call before the notification is dropped</source>
        <translation>Webhook 调用失败后的重试次数，超过则放弃该通知</translation>
    </message>
    <message>
        <source>channels</source>
        <translation>渠道</translation>
    </message>
    <message>
        <source>channels for watch alerts (panel, sound, desktop, host, webhook)</source>
        <translation>关注级告警的渠道（面板、声音、桌面通知、主播屏、Webhook）</translation>
    </message>
    <message>
        <source>channels for warning alerts</source>
        <translation>预警级告警的渠道</translation>
    </message>
    <message>
        <source>channels for critical alerts</source>
        <translation>紧急级告警的渠道</translation>
    </message>
    <message>
        <source>channels for losing-sales alerts</source>
        <translation>流失销量告警的渠道</translation>
    </message>
    <message>
        <source>channels for feed trouble</source>
        <translation>数据流故障的渠道</translation>
    </message>
    <message>
        <source>channels for a frozen SKU that still has stock</source>
        <translation>有库存却已冻结的 SKU 的渠道</translation>
    </message>
    <message>
        <source>webhooks: alerts arriving within this long go out in one message</source>
        <translation>Webhook：在此时长内到达的告警合并为一条消息发送</translation>
    </message>
    <message>
        <source>webhooks: a group posts news again only after this long</source>
        <translation>Webhook：同一分组至少间隔此时长才再次推送</translation>
    </message>
    <message>
        <source>webhooks: a still-firing, unacknowledged alert is repeated this often</source>
        <translation>Webhook：仍在触发且未确认的告警按此间隔重复</translation>
    </message>
    <message>
        <source>a critical alert not acknowledged this long goes to the on-call list</source>
        <translation>紧急告警超过此时长未确认，则升级到值班名单</translation>
    </message>
    <message>
        <source>target names</source>
        <translation>目标名称</translation>
    </message>
    <message>
        <source>on-call list: webhook names to escalate to, in order (the first that is up gets it, once)</source>
        <translation>值班名单：按顺序升级的 Webhook 名称（第一个可用的接收一次）</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动冻结</translation>
    </message>
    <message>
        <source>confirm</source>
        <translation>询问确认</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>dynamic</source>
        <translation>动态</translation>
    </message>
    <message>
        <source>longrun</source>
        <translation>长期</translation>
    </message>
    <message>
        <source>engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <source>naive</source>
        <translation>朴素基线</translation>
    </message>
    <message>
        <source>static</source>
        <translation>固定阈值</translation>
    </message>
</context>
<context>
    <name>SkuTab</name>
    <message>
        <source>units</source>
        <translation>件</translation>
    </message>
    <message>
        <source>min to sell-out</source>
        <translation>距售罄（分钟）</translation>
    </message>
    <message>
        <source>minutes of show</source>
        <translation>直播分钟</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Level / op</source>
        <translation>级别 / 操作</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>tier {tier} · start {start} · sold {sold} · sell-outs {so} · lost ≈ ¥{lost}</source>
        <translation>档位 {tier} · 开场库存 {start} · 售出 {sold} · 售罄 {so} 次 · 损失 ≈ ¥{lost}</translation>
    </message>
    <message>
        <source>forecast: stock left after the window</source>
        <translation>预测：窗口结束时剩余库存</translation>
    </message>
    <message>
        <source>warning line</source>
        <translation>预警线</translation>
    </message>
    <message>
        <source>safety stock</source>
        <translation>安全库存</translation>
    </message>
    <message>
        <source>stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已执行</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>漏报</translation>
    </message>
    <message>
        <source>sell-out</source>
        <translation>售罄</translation>
    </message>
    <message>
        <source>lead {lead}</source>
        <translation>提前 {lead}</translation>
    </message>
</context>
<context>
    <name>SkuTableModel</name>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>分层</translation>
    </message>
    <message>
        <source>Available</source>
        <translation>可售</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <source>Rate/min</source>
        <translation>每分钟</translation>
    </message>
    <message>
        <source>Sell-out</source>
        <translation>预计售罄</translation>
    </message>
    <message>
        <source>Warn line</source>
        <translation>预警线</translation>
    </message>
    <message>
        <source>Safety</source>
        <translation>安全库存</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>30 min</source>
        <translation>30 分钟</translation>
    </message>
    <message>
        <source>Alert level decided by the engine; sorting by it sorts by urgency</source>
        <translation>引擎判定的告警级别；按此列排序即按紧急程度排序</translation>
    </message>
    <message>
        <source>SKU id</source>
        <translation>商品编号</translation>
    </message>
    <message>
        <source>Product name</source>
        <translation>商品名称</translation>
    </message>
    <message>
        <source>Tier (a settings override is marked *)</source>
        <translation>分层（设置中单独指定的标 *）</translation>
    </message>
    <message>
        <source>Units available now (exact, from the feed)</source>
        <translation>当前可售件数（来自数据流，精确值）</translation>
    </message>
    <message>
        <source>Net units sold this session</source>
        <translation>本场净售出件数</translation>
    </message>
    <message>
        <source>Predicted order rate now, units per minute</source>
        <translation>当前预测下单速度（件/分钟）</translation>
    </message>
    <message>
        <source>Predicted time to sell-out: soonest (at the pessimistic rate) to expected</source>
        <translation>预计售罄时间：最快（悲观速度）至预期</translation>
    </message>
    <message>
        <source>Dynamic warning line: below it, a restock is due</source>
        <translation>动态预警线：低于此值应补货</translation>
    </message>
    <message>
        <source>Dynamic safety stock: freeze at or below it</source>
        <translation>动态安全库存：达到或低于此值应冻结</translation>
    </message>
    <message>
        <source>Frozen, delisted, sold out, on air</source>
        <translation>冻结、下架、售罄、讲解中</translation>
    </message>
    <message>
        <source>Available stock over the last 30 minutes</source>
        <translation>近 30 分钟可售库存</translation>
    </message>
    <message>
        <source>HELD FROZEN by auto-freeze with {n} left: opened for a second at a time to sell the last units without overselling
</source>
        <translation>自动冻结中，仍有 {n} 件：每次只开放约一秒，卖完最后几件又不超卖
</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
    <message>
        <source>FROZEN with {n} left: no orders are taken while units remain
</source>
        <translation>已冻结，仍剩 {n} 件：有库存却不接单
</translation>
    </message>
    <message>
        <source>{name} ({sku})
Available {avail}, sold {sold}
Rate {rate}/min over a {win:g} min window: {pred:.0f} expected, up to {hi:.0f}
Warning line {line:.0f}, safety stock {safety:.0f}
Sell-out in {so}, pessimistic {sop}</source>
        <translation>{name}（{sku}）
可售 {avail}，已售 {sold}
速度 {rate}/分钟，{win:g} 分钟窗口内预计售出 {pred:.0f}，最多 {hi:.0f}
预警线 {line:.0f}，安全库存 {safety:.0f}
预计 {so} 后售罄，悲观 {sop}</translation>
    </message>
</context>
<context>
    <name>TimelineTab</name>
    <message>
        <source>viewers</source>
        <translation>人</translation>
    </message>
    <message>
        <source>units ordered / min</source>
        <translation>每分钟下单件数</translation>
    </message>
    <message>
        <source>minutes of show</source>
        <translation>直播分钟</translation>
    </message>
    <message>
        <source>action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>watch</source>
        <translation>关注</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>预警</translation>
    </message>
    <message>
        <source>critical</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Rate /min</source>
        <translation>速度/分钟</translation>
    </message>
    <message>
        <source>Sell-out in</source>
        <translation>预计售罄</translation>
    </message>
    <message>
        <source>Frozen</source>
        <translation>冻结</translation>
    </message>
    <message>
        <source>no data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <source>Indexing the show for scrubbing (once): {done} of {total} events</source>
        <translation>正在为拖动时间轴建立索引（仅一次）：{done} / {total} 个事件</translation>
    </message>
    <message>
        <source>At {clock} ({rel} into the show)</source>
        <translation>{clock}（开播后 {rel}）</translation>
    </message>
    <message>
        <source>frozen</source>
        <translation>已冻结</translation>
    </message>
</context>
<context>
    <name>Toast</name>
    <message>
        <source>Undo (Ctrl+Z)</source>
        <translation>撤销 (Ctrl+Z)</translation>
    </message>
</context>
<context>
    <name>Truth</name>
    <message>
        <source>STALE: the shop has been silent {s} s · figures as of {t}</source>
        <translation>数据过期：店铺已 {s} 秒无消息 · 数据截至 {t}</translation>
    </message>
    <message>
        <source>RESYNCING: restoring the shop&apos;s state · figures as of {t}</source>
        <translation>重新同步：正在恢复店铺状态 · 数据截至 {t}</translation>
    </message>
    <message>
        <source>CONNECTING to the shop · no figures yet</source>
        <translation>正在连接店铺 · 暂无数据</translation>
    </message>
    <message>
        <source>CORE HUNG: no update for {s} s · figures as of {t} · Restart core: Ctrl+Shift+R</source>
        <translation>核心无响应：已 {s} 秒无更新 · 数据截至 {t} · 重启核心：Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>CORE STOPPED · figures as of {t} · Restart core: Ctrl+Shift+R</source>
        <translation>核心已停止 · 数据截至 {t} · 重启核心：Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>CONNECTION LOST: no word from the room&apos;s engine for {s} s · figures as of {t}</source>
        <translation>连接中断：直播间引擎 {s} 秒无消息 · 数字截至 {t}</translation>
    </message>
</context>
<context>
    <name>WhatIfTab</name>
    <message>
        <source>Replay changes when the desk would have warned or frozen, not what buyers did. For a freeze earlier than the real show stopped selling, the units the real show sold in between count as lost (range: the 90% Poisson interval of that many orders). For a real freeze the what-if makes later or not at all, the sales it would have made come from the engine&apos;s rate just before the real freeze, capped by the stock left (range 0.6x-1.4x, the spread the lost-sales estimate showed against the demo shop&apos;s books); demand beyond that stock within the freeze lag counts as oversell risk.</source>
        <translation>重放改变的是中控台何时预警、何时冻结，而不是买家的行为。若假设设置比实际更早冻结，实际在这段时间卖出的件数计为损失（范围：该订单数的 90% 泊松区间）。若实际冻结了而假设设置更晚冻结或不冻结，多卖的件数按实际冻结前引擎给出的速度估计，以剩余库存为上限（范围 0.6–1.4 倍，即损失销售估计对照演示店铺账本时的偏差）；冻结在途期间超出库存的需求计为超卖风险。</translation>
    </message>
    <message>
        <source>sell-outs</source>
        <translation>售罄</translation>
    </message>
    <message>
        <source>warned</source>
        <translation>有预警</translation>
    </message>
    <message>
        <source>missed (no warning)</source>
        <translation>漏报（无预警）</translation>
    </message>
    <message>
        <source>median warning lead time</source>
        <translation>预警提前量（中位数）</translation>
    </message>
    <message>
        <source>shortest lead time</source>
        <translation>最短提前量</translation>
    </message>
    <message>
        <source>warning spans</source>
        <translation>预警段</translation>
    </message>
    <message>
        <source>false warnings</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>alerts fired</source>
        <translation>触发告警</translation>
    </message>
    <message>
        <source>alerts per 10 min (1 operator)</source>
        <translation>每 10 分钟告警（1 位中控）</translation>
    </message>
    <message>
        <source>freeze requests</source>
        <translation>冻结请求</translation>
    </message>
    <message>
        <source>oversold units (the show&apos;s)</source>
        <translation>超卖件数（本场实际）</translation>
    </message>
    <message>
        <source>with no freeze request in time</source>
        <translation>其中未及时请求冻结</translation>
    </message>
    <message>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>confirm</source>
        <translation>询问确认</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>earlier freeze</source>
        <translation>更早冻结</translation>
    </message>
    <message>
        <source>later freeze</source>
        <translation>更晚冻结</translation>
    </message>
    <message>
        <source>no freeze</source>
        <translation>不冻结</translation>
    </message>
    <message>
        <source>Tier</source>
        <translation>分层</translation>
    </message>
    <message>
        <source>Forecast window</source>
        <translation>预测窗口</translation>
    </message>
    <message>
        <source>Warning multiplier</source>
        <translation>预警倍数</translation>
    </message>
    <message>
        <source>Safety margin</source>
        <translation>安全系数</translation>
    </message>
    <message>
        <source>At safety stock</source>
        <translation>到达安全库存时</translation>
    </message>
    <message>
        <source>Re-run the show</source>
        <translation>重放本场</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Apply tune&apos;s suggestion</source>
        <translation>采用调参建议</translation>
    </message>
    <message>
        <source>Save as settings file…</source>
        <translation>保存为设置文件…</translation>
    </message>
    <message>
        <source>Back to the session&apos;s settings</source>
        <translation>恢复本场设置</translation>
    </message>
    <message>
        <source>Figure</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Logged</source>
        <translation>实际记录</translation>
    </message>
    <message>
        <source>Replay, session settings</source>
        <translation>重放（本场设置）</translation>
    </message>
    <message>
        <source>Replay, what-if</source>
        <translation>重放（假设设置）</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>情形</translation>
    </message>
    <message>
        <source>Lost units</source>
        <translation>损失件数</translation>
    </message>
    <message>
        <source>Range</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Oversold units</source>
        <translation>超卖件数</translation>
    </message>
    <message>
        <source>How</source>
        <translation>依据</translation>
    </message>
    <message>
        <source>Estimates: what the other freezes would have changed</source>
        <translation>估计：不同的冻结时间会带来什么变化</translation>
    </message>
    <message>
        <source>Change a tier&apos;s settings and re-run the show.</source>
        <translation>修改某个档位的设置，然后重放本场。</translation>
    </message>
    <message>
        <source>Reading the show…</source>
        <translation>正在读取本场…</translation>
    </message>
    <message>
        <source>Replaying: {done} of {total} events</source>
        <translation>正在重放：{done} / {total} 条事件</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>What-if failed: {m}</source>
        <translation>假设推演失败：{m}</translation>
    </message>
    <message>
        <source>lost units vs the real show (estimate)</source>
        <translation>损失件数相对实际（估计）</translation>
    </message>
    <message>
        <source>oversold units vs the real show (estimate)</source>
        <translation>超卖件数相对实际（估计）</translation>
    </message>
    <message numerus="yes">
        <source>Done: %Ln event(s) replayed in {s:.1f} s.</source>
        <translation>
            <numerusform>完成：{s:.1f} 秒重放 %Ln 条事件。</numerusform>
        </translation>
    </message>
    <message>
        <source>Tuning: a few dozen replays of the show…</source>
        <translation>正在调参：需要重放本场几十次…</translation>
    </message>
    <message>
        <source>Tune&apos;s suggestion applied: {c}. Re-run to see its scorecard, then save it.</source>
        <translation>已采用调参建议：{c}。重放查看效果后再保存。</translation>
    </message>
    <message>
        <source>no change</source>
        <translation>无变化</translation>
    </message>
    <message>
        <source>Save settings</source>
        <translation>保存设置</translation>
    </message>
    <message>
        <source>Settings (*.toml)</source>
        <translation>设置文件 (*.toml)</translation>
    </message>
    <message>
        <source>Saved {p}</source>
        <translation>已保存 {p}</translation>
    </message>
</context>
</TS>
