"""Every string a device shows, speaks or prints: one table, Simplified Chinese, then English.

`t(key, lang, **params)` formats an entry (`{number}`-style placeholders); a language the table
lacks falls back to zh-CN. Pages add their keys here. Error explanations (`error.<code>`) are in
plain words for citizens at a kiosk; the protocol's `message` stays technical.
"""

from __future__ import annotations

from collections.abc import Mapping

from metrics.alerts import ALERT_MESSAGES

ZH = "zh-CN"
EN = "en"
LANGUAGES = (ZH, EN)
DEFAULT_LANGUAGE = ZH

RATING_LEVELS = (5, 4, 3, 2, 1)
GREEN_CATEGORIES = ("elderly", "disabled", "pregnant", "military")

TABLE: Mapping[str, Mapping[str, str]] = {
    # --- voice and call screens --------------------------------------------------------------
    "announce": {
        ZH: "请{number}号到{window}办理",
        EN: "Ticket {number}, please go to {window}",
    },
    "announce.recall": {
        ZH: "再次呼叫，请{number}号到{window}办理",
        EN: "Calling again: ticket {number}, please go to {window}",
    },
    # --- the printed ticket --------------------------------------------------------------------
    "print.ahead": {ZH: "前面还有 {count} 人等候", EN: "{count} ahead of you"},
    "print.wait": {ZH: "预计等候约 {minutes} 分钟", EN: "Expected wait: about {minutes} min"},
    "print.wait_none": {ZH: "即将叫号，请留意屏幕", EN: "You will be called shortly"},
    "print.wait_not_open": {
        ZH: "窗口暂未开放，开放后按序叫号",
        EN: "No window is open yet; numbers are called in order once one opens",
    },
    "print.wait_unknown": {
        ZH: "暂无窗口办理，请咨询工作人员",
        EN: "No window is open for this service; please ask the staff",
    },
    "print.issued_at": {ZH: "取号时间 {time}", EN: "Issued {time}"},
    "print.hint": {
        ZH: "请留意叫号，过号请到取号机重新激活",
        EN: "Please listen for your number; if you miss it, reactivate it at a ticket machine",
    },
    "print.track": {ZH: "扫码查看排队进度", EN: "Scan to follow your place in line"},
    "print.priority.green": {ZH: "绿色通道", EN: "Green channel"},
    "print.priority.appointment": {ZH: "预约", EN: "Appointment"},
    "print.reactivated": {ZH: "过号重新激活", EN: "Reactivated after a missed call"},
    # --- ticket priorities, states; window statuses --------------------------------------------
    "priority.normal": {ZH: "普通", EN: "Walk-in"},
    "priority.green": {ZH: "绿色通道", EN: "Green channel"},
    "priority.appointment": {ZH: "预约", EN: "Appointment"},
    "ticket.state.waiting": {ZH: "等候中", EN: "Waiting"},
    "ticket.state.called": {ZH: "已叫号", EN: "Called"},
    "ticket.state.serving": {ZH: "办理中", EN: "Being served"},
    "ticket.state.parked": {ZH: "容缺暂存", EN: "On hold (missing documents)"},
    "ticket.state.missed": {ZH: "已过号", EN: "Missed"},
    "ticket.state.finished": {ZH: "已办结", EN: "Done"},
    "ticket.state.cancelled": {ZH: "已取消", EN: "Cancelled"},
    "window.status.closed": {ZH: "暂停服务", EN: "Closed"},
    "window.status.idle": {ZH: "空闲", EN: "Available"},
    "window.status.calling": {ZH: "叫号中", EN: "Calling"},
    "window.status.serving": {ZH: "办理中", EN: "Serving"},
    "window.status.paused": {ZH: "暂离", EN: "Paused"},
    # --- ratings (好差评) and the green channel -----------------------------------------------
    "rating.5": {ZH: "非常满意", EN: "Very satisfied"},
    "rating.4": {ZH: "满意", EN: "Satisfied"},
    "rating.3": {ZH: "基本满意", EN: "Fairly satisfied"},
    "rating.2": {ZH: "不满意", EN: "Dissatisfied"},
    "rating.1": {ZH: "非常不满意", EN: "Very dissatisfied"},
    "green.elderly": {ZH: "老年人", EN: "Senior citizen"},
    "green.disabled": {ZH: "残疾人", EN: "Person with a disability"},
    "green.pregnant": {ZH: "孕妇", EN: "Pregnant woman"},
    "green.military": {ZH: "军人", EN: "Military personnel"},
    # --- errors, in plain words, one per protocol and core code --------------------------------
    "error.bad_request": {
        ZH: "请求有误，请重试或咨询工作人员",
        EN: "Something went wrong with the request; please try again or ask the staff",
    },
    "error.hello_required": {ZH: "设备未登录，请重新连接", EN: "The device is not signed in"},
    "error.unauthorized": {
        ZH: "设备或账号未授权，请联系管理员",
        EN: "This device or account is not authorised; please contact the administrator",
    },
    "error.forbidden": {ZH: "本设备无权进行此操作", EN: "This device may not do that"},
    "error.too_many_attempts": {
        ZH: "登录失败次数过多，请15分钟后再试",
        EN: "Too many failed sign-ins; please try again in 15 minutes",
    },
    "error.unknown_hall": {ZH: "未找到该服务大厅", EN: "No such service hall"},
    "error.unknown_device": {ZH: "未找到该设备", EN: "No such device"},
    "error.unknown_staff": {ZH: "未找到该工作人员", EN: "No such staff member"},
    "error.not_found": {ZH: "未找到", EN: "Not found"},
    "error.internal_error": {
        ZH: "系统繁忙，请稍后再试",
        EN: "The system is busy; please try again shortly",
    },
    "error.unavailable": {
        ZH: "系统暂时无法办理，请稍后再试",
        EN: "The system cannot take requests right now; please try again shortly",
    },
    "error.rate_limited": {
        ZH: "操作过于频繁，请稍后再试",
        EN: "Too many requests; please wait a moment and try again",
    },
    "error.payload_too_large": {ZH: "提交的内容过大", EN: "What was sent is too large"},
    "error.idempotency_mismatch": {
        ZH: "本次提交与之前的提交不一致，请刷新页面后重试",
        EN: "This request does not match the one sent before; please reload the page and retry",
    },
    "error.domain_error": {
        ZH: "暂时无法办理，请咨询工作人员",
        EN: "Not possible now; please ask the staff",
    },
    "error.unknown_service": {ZH: "该事项暂不提供", EN: "This service is not offered here"},
    "error.unknown_queue": {ZH: "未找到该业务队列", EN: "No such queue"},
    "error.unknown_window": {ZH: "未找到该窗口", EN: "No such window"},
    "error.unknown_ticket": {
        ZH: "未找到该号码，请核对后重试",
        EN: "That number was not found; please check it and try again",
    },
    "error.unknown_booking": {
        ZH: "未找到该预约，请核对预约码",
        EN: "No appointment with that code; please check it",
    },
    "error.window_closed": {ZH: "该窗口未开放", EN: "The window is closed"},
    "error.window_open": {ZH: "该窗口已开放", EN: "The window is already open"},
    "error.window_paused": {ZH: "该窗口暂停服务中", EN: "The window is paused"},
    "error.window_not_paused": {ZH: "该窗口未暂停", EN: "The window is not paused"},
    "error.window_busy": {
        ZH: "请先办结当前号码",
        EN: "Finish the current ticket first",
    },
    "error.not_signed_in": {
        ZH: "该窗口尚无工作人员登录，请先登录",
        EN: "Nobody is signed in at this window; sign in first",
    },
    "error.no_current_ticket": {ZH: "当前没有正在办理的号码", EN: "No ticket in hand"},
    "error.not_called": {ZH: "该号码尚未叫号", EN: "That ticket has not been called"},
    "error.not_serving": {ZH: "该号码不在办理中", EN: "That ticket is not being served"},
    "error.not_your_window": {
        ZH: "该号码属于其他窗口",
        EN: "That ticket belongs to another window",
    },
    "error.not_waiting": {ZH: "该号码不在等候中", EN: "That ticket is not waiting"},
    "error.not_in_profile": {
        ZH: "本窗口不办理该业务",
        EN: "This window does not handle that service",
    },
    "error.recall_limit": {
        ZH: "已达到重复呼叫次数上限",
        EN: "This ticket has been called again too many times",
    },
    "error.not_missed": {
        ZH: "该号码未过号，无需重新激活",
        EN: "That ticket was not missed; there is nothing to reactivate",
    },
    "error.reactivation_expired": {
        ZH: "过号时间过长，请重新取号",
        EN: "Missed too long ago; please take a new ticket",
    },
    "error.not_parked": {ZH: "没有容缺暂存的号码", EN: "No ticket on hold"},
    "error.same_target": {ZH: "转移目标与当前相同", EN: "The transfer goes nowhere new"},
    "error.already_priority": {
        ZH: "该号码已在优先通道中",
        EN: "That ticket already has priority",
    },
    "error.staff_busy": {
        ZH: "该工作人员已在其他窗口上岗",
        EN: "This staff member is signed in at another window",
    },
    "error.slot_full": {ZH: "该时段已约满", EN: "That time slot is full"},
    "error.slot_past": {ZH: "该时段已过", EN: "That time slot has passed"},
    "error.slot_invalid": {ZH: "该时段不可预约", EN: "That time slot cannot be booked"},
    "error.not_bookable": {ZH: "该事项不支持预约", EN: "This service takes no appointments"},
    "error.booking_restricted": {
        ZH: "多次预约未到，暂时无法预约",
        EN: "Booking is restricted after several missed appointments",
    },
    "error.duplicate_booking": {ZH: "预约码重复", EN: "That booking code is in use"},
    "error.booking_closed": {
        ZH: "该预约已签到、已取消或已过期",
        EN: "That appointment is checked in, cancelled or expired",
    },
    "error.check_in_early": {
        ZH: "尚未到签到时间，请稍后再来",
        EN: "Too early to check in; please come back closer to your time",
    },
    "error.no_rating_pending": {
        ZH: "该号码无需评价或已评价",
        EN: "This ticket has been rated or needs no rating",
    },
    "error.invalid_score": {ZH: "请选择一个评价等级", EN: "Please choose a rating"},
    "error.hall_closed": {ZH: "该事项今日已停止取号", EN: "No more tickets for this service today"},
    "error.invalid_text": {ZH: "文字为空或过长", EN: "The text is empty or too long"},
    "error.invalid_config": {ZH: "大厅配置有误", EN: "The hall configuration is invalid"},
    "error.unknown": {
        ZH: "暂时无法办理，请咨询工作人员",
        EN: "Not possible now; please ask the staff",
    },
    # errors the pages meet on the way (no reply from the server)
    "error.timeout": {
        ZH: "网络繁忙，请稍后重试",
        EN: "The network is slow; please try again shortly",
    },
    "error.offline": {
        ZH: "网络连接已断开，请稍后再试",
        EN: "The connection is lost; please try again shortly",
    },
    # --- pages: shared -------------------------------------------------------------------------
    "lang.name": {ZH: "中文", EN: "English"},
    "lang.switch": {ZH: "切换语言", EN: "Change language"},
    "conn.connecting": {ZH: "正在连接服务器…", EN: "Connecting to the server…"},
    "conn.offline": {
        ZH: "网络连接已断开，正在自动重新连接…",
        EN: "Connection lost, reconnecting automatically…",
    },
    "conn.unpaired": {
        ZH: "本设备尚未配对或已停用，请联系管理员",
        EN: "This device is not paired or was revoked; please contact the administrator",
    },
    "conn.wrong_kind": {
        ZH: "此设备码不能用于本页面，请联系管理员",
        EN: "This device token is not for this page; please contact the administrator",
    },
    "common.back": {ZH: "返回", EN: "Back"},
    "common.back_in": {ZH: "返回（{seconds}秒）", EN: "Back ({seconds} s)"},
    "common.done_in": {ZH: "完成（{seconds}秒）", EN: "Done ({seconds} s)"},
    "common.cancel": {ZH: "取消", EN: "Cancel"},
    "common.ok": {ZH: "确定", EN: "OK"},
    "common.loading": {ZH: "加载中…", EN: "Loading…"},
    "ticket.your_number": {ZH: "您的号码", EN: "Your number"},
    # --- pages: ticket machine (取号机) --------------------------------------------------------
    "kiosk.title": {ZH: "自助取号", EN: "Take a ticket"},
    "kiosk.choose_service": {ZH: "请选择办理事项", EN: "Please choose a service"},
    "kiosk.category.other": {ZH: "其他事项", EN: "Other services"},
    "kiosk.waiting": {ZH: "等候 {count} 人", EN: "{count} waiting"},
    "kiosk.eta": {ZH: "约 {minutes} 分钟", EN: "about {minutes} min"},
    "kiosk.no_services": {ZH: "暂无可取号事项", EN: "No services are offered now"},
    "kiosk.green": {ZH: "绿色通道", EN: "Green channel"},
    "kiosk.green_hint": {
        ZH: "老年人、残疾人、孕妇、军人优先办理",
        EN: "Priority for seniors, people with disabilities, pregnant women and soldiers",
    },
    "kiosk.green_choose": {ZH: "请选择优先办理类别", EN: "Please choose your category"},
    "kiosk.green_active": {
        ZH: "绿色通道（{category}）：请选择办理事项",
        EN: "Green channel ({category}): please choose a service",
    },
    "kiosk.check_in": {ZH: "预约签到", EN: "Appointment check-in"},
    "kiosk.check_in_hint": {
        ZH: "已在网上预约？输入预约码取号",
        EN: "Booked online? Enter your code",
    },
    "kiosk.check_in_prompt": {
        ZH: "请输入 {digits} 位预约码",
        EN: "Please enter your {digits}-character booking code",
    },
    "kiosk.code_mistyped": {
        ZH: "预约码有误，请核对后重新输入",
        EN: "That booking code has a typing mistake; please check it and enter it again",
    },
    "kiosk.keypad.clear": {ZH: "清空", EN: "Clear"},
    "kiosk.keypad.delete": {ZH: "删除", EN: "Delete"},
    "kiosk.keypad.submit": {ZH: "签到取号", EN: "Check in"},
    "kiosk.reactivate": {ZH: "过号重取", EN: "Missed your call?"},
    "kiosk.reactivate_hint": {
        ZH: "错过叫号？输入号码重新排队",
        EN: "Enter your number to queue again",
    },
    "kiosk.reactivate_prompt": {
        ZH: "请选择号码字母，再输入数字（如 A023）",
        EN: "Choose the letter of your number, then the digits (e.g. A023)",
    },
    "kiosk.reactivate_submit": {ZH: "重新排队", EN: "Queue again"},
    "kiosk.issuing": {ZH: "正在出号，请稍候…", EN: "Issuing your ticket…"},
    "kiosk.ticket_title": {ZH: "取号成功", EN: "Here is your ticket"},
    "kiosk.print": {ZH: "打印凭条", EN: "Print ticket"},
    "kiosk.take_ticket": {
        ZH: "请取走凭条，留意叫号屏幕",
        EN: "Please take your ticket and watch the call screen",
    },
    "kiosk.error_title": {ZH: "暂时无法取号", EN: "No ticket could be issued"},
    # --- pages: phone tracker -----------------------------------------------------------------
    "tracker.title": {ZH: "排队进度", EN: "Your place in line"},
    "tracker.called_title": {ZH: "轮到您了！", EN: "It is your turn!"},
    "tracker.go_to": {ZH: "请到{window}办理", EN: "Please go to {window}"},
    "tracker.serving": {ZH: "正在{window}办理", EN: "Being served at {window}"},
    "tracker.finished": {
        ZH: "已办结，感谢您的耐心等候",
        EN: "All done. Thank you for waiting",
    },
    "tracker.missed": {
        ZH: "您已过号，请到取号机重新激活",
        EN: "You missed your call; please reactivate your ticket at a ticket machine",
    },
    "tracker.parked": {
        ZH: "容缺受理中，材料补齐后请到窗口继续办理",
        EN: "On hold: bring the missing documents to the window to continue",
    },
    "tracker.cancelled": {ZH: "该号码已取消", EN: "This ticket was cancelled"},
    "tracker.gone": {
        ZH: "该号码已办结或已失效",
        EN: "This ticket is done or no longer valid",
    },
    "tracker.invalid": {
        ZH: "链接无效或号码已过期",
        EN: "This link is invalid or the ticket has expired",
    },
    "tracker.alerts_on": {
        ZH: "开启到号提醒（声音和振动）",
        EN: "Turn on call alerts (sound, vibration)",
    },
    "tracker.alerts_enabled": {ZH: "到号提醒已开启", EN: "Call alerts are on"},
    "tracker.keep_open": {
        ZH: "请保持本页面打开，叫到您的号码时会响铃提醒",
        EN: "Keep this page open; it rings when your number is called",
    },
    # --- pages: booking (网上预约) ------------------------------------------------------------
    "book.title": {ZH: "网上预约", EN: "Book an appointment"},
    "book.step_service": {ZH: "1. 选择办理事项", EN: "1. Choose a service"},
    "book.step_slot": {ZH: "2. 选择日期和时段", EN: "2. Choose a date and time"},
    "book.step_contact": {ZH: "3. 填写预约人信息", EN: "3. Your details"},
    "book.no_bookable": {ZH: "暂无可预约事项", EN: "No service takes appointments"},
    "book.no_slots": {ZH: "该日暂无可预约时段", EN: "No free time on that day"},
    "book.free": {ZH: "余 {count}", EN: "{count} left"},
    "book.full": {ZH: "已约满", EN: "Full"},
    "book.today": {ZH: "今天", EN: "Today"},
    "book.name": {ZH: "姓名", EN: "Name"},
    "book.phone": {ZH: "手机号码", EN: "Mobile phone number"},
    "book.invalid_name": {ZH: "请填写姓名", EN: "Please enter your name"},
    "book.invalid_phone": {ZH: "请填写正确的手机号码", EN: "Please enter a valid phone number"},
    "book.choose_slot": {ZH: "请先选择时段", EN: "Please choose a time first"},
    "book.privacy": {
        ZH: "姓名和手机号仅用于本次预约，不会显示在大厅屏幕上",
        EN: "Your name and phone number are used for this appointment only and never shown "
        "on the hall's screens",
    },
    "book.submit": {ZH: "提交预约", EN: "Book"},
    "book.submitting": {ZH: "正在提交…", EN: "Sending…"},
    "book.booked_title": {ZH: "预约成功", EN: "Your appointment is booked"},
    "book.code": {ZH: "预约码", EN: "Booking code"},
    "book.slot": {ZH: "预约时段：{date} {time}", EN: "Time: {date} {time}"},
    "book.code_hint": {
        ZH: "请记下预约码。到达大厅后，在取号机点“预约签到”并输入预约码取号",
        EN: "Keep this code. At the hall, tap “Appointment check-in” on a ticket machine "
        "and enter it",
    },
    "book.another": {ZH: "再预约一个", EN: "Book another"},
    "book.manage_title": {ZH: "查询或取消预约", EN: "Look up or cancel an appointment"},
    "book.lookup": {ZH: "查询", EN: "Look up"},
    "book.phone_last4": {ZH: "手机号后四位", EN: "Last 4 digits of the phone number"},
    "book.invalid_last4": {
        ZH: "请填写预约时所留手机号的后四位",
        EN: "Please enter the last 4 digits of the phone number you booked with",
    },
    "book.lookup_not_found": {
        ZH: "未找到该预约，请核对预约码和手机号后四位",
        EN: "No appointment matches that code and phone number; please check both",
    },
    "book.cancel": {ZH: "取消该预约", EN: "Cancel this appointment"},
    "book.cancelled": {ZH: "预约已取消", EN: "The appointment is cancelled"},
    "book.person": {ZH: "预约人：{name}，{phone}", EN: "Booked by {name}, {phone}"},
    "book.state.booked": {ZH: "已预约", EN: "Booked"},
    "book.state.checked_in": {ZH: "已签到", EN: "Checked in"},
    "book.state.no_show": {ZH: "已过期未签到", EN: "Missed"},
    "book.state.cancelled": {ZH: "已取消", EN: "Cancelled"},
    # --- voice announcements: how a ticket number is read out ---------------------------------
    "voice.digits": {ZH: "零一二三四五六七八九", EN: "0123456789"},
    "voice.separator": {ZH: "，", EN: ", "},
    # --- pages: clerk terminal (窗口呼叫器) ---------------------------------------------------
    "clerk.title": {ZH: "窗口呼叫器", EN: "Clerk terminal"},
    "clerk.sign_in_title": {ZH: "工作人员上岗", EN: "Staff sign-in"},
    "clerk.staff": {ZH: "工号", EN: "Staff number"},
    "clerk.password": {ZH: "密码", EN: "Password"},
    "clerk.sign_in": {ZH: "上岗", EN: "Sign in"},
    "clerk.sign_in_failed": {ZH: "工号或密码错误", EN: "Wrong staff number or password"},
    "clerk.no_window": {
        ZH: "本设备未绑定窗口，请联系管理员",
        EN: "This terminal is bound to no window; please contact the administrator",
    },
    "clerk.on_duty": {ZH: "{name} 在岗", EN: "{name} on duty"},
    "clerk.current": {ZH: "当前号码", EN: "Current ticket"},
    "clerk.no_ticket": {
        ZH: "暂无号码，请按“呼叫下一位”",
        EN: "No ticket in hand; press “Call next”",
    },
    "clerk.waited": {ZH: "等候 {time}", EN: "Waited {time}"},
    "clerk.called_for": {ZH: "已叫号 {time}", EN: "Called {time} ago"},
    "clerk.serving_for": {ZH: "已办理 {time}", EN: "Serving for {time}"},
    "clerk.paused": {ZH: "暂停服务中：{reason}", EN: "Paused: {reason}"},
    "clerk.steps": {ZH: "一件事办理环节", EN: "Steps of this bundle"},
    "clerk.waiting_title": {ZH: "本窗口等候人数", EN: "Waiting for this window"},
    "clerk.waiting_total": {ZH: "合计 {count} 人", EN: "{count} in all"},
    "clerk.parked_title": {ZH: "本窗口容缺暂存", EN: "On hold at this window"},
    "clerk.no_parked": {ZH: "无", EN: "None"},
    "clerk.action.call_next": {ZH: "呼叫下一位", EN: "Call next"},
    "clerk.action.recall": {ZH: "重呼", EN: "Call again"},
    "clerk.action.start": {ZH: "开始办理", EN: "Start"},
    "clerk.action.finish": {ZH: "办结", EN: "Finish"},
    "clerk.action.no_show": {ZH: "过号", EN: "No-show"},
    "clerk.action.transfer": {ZH: "转移", EN: "Transfer"},
    "clerk.action.park": {ZH: "容缺暂存", EN: "Put on hold"},
    "clerk.action.unpark": {ZH: "取回暂存", EN: "Take back"},
    "clerk.action.pause": {ZH: "暂停", EN: "Pause"},
    "clerk.action.resume": {ZH: "恢复服务", EN: "Resume"},
    "clerk.action.sign_out": {ZH: "离岗", EN: "Sign out"},
    "clerk.done.sign_in": {ZH: "上岗成功，可以叫号了", EN: "Signed in; you can call tickets"},
    "clerk.done.call_next": {ZH: "已呼叫 {number}", EN: "Called {number}"},
    "clerk.done.nobody": {ZH: "当前无人等候", EN: "Nobody is waiting"},
    "clerk.done.recall": {ZH: "已再次呼叫 {number}", EN: "Called {number} again"},
    "clerk.done.start": {ZH: "开始办理 {number}", EN: "Serving {number}"},
    "clerk.done.finish": {ZH: "{number} 已办结", EN: "{number} is done"},
    "clerk.done.next_step": {
        ZH: "{number} 本环节已办结，转入{queue}",
        EN: "{number}: this step is done, next {queue}",
    },
    "clerk.done.no_show": {ZH: "{number} 已过号", EN: "{number} marked as missed"},
    "clerk.done.transfer": {ZH: "{number} 已转至{target}", EN: "{number} moved to {target}"},
    "clerk.done.park": {ZH: "{number} 已容缺暂存", EN: "{number} is on hold"},
    "clerk.done.unpark": {ZH: "{number} 继续办理", EN: "Serving {number} again"},
    "clerk.done.pause": {ZH: "已暂停服务", EN: "The window is paused"},
    "clerk.done.resume": {ZH: "已恢复服务", EN: "The window is open again"},
    "clerk.done.sign_out": {ZH: "已离岗", EN: "Signed out"},
    "clerk.pause_title": {ZH: "请选择暂停原因", EN: "Why are you pausing?"},
    "clerk.pause.lunch": {ZH: "午休", EN: "Lunch break"},
    "clerk.pause.consult": {ZH: "业务咨询", EN: "Answering questions"},
    "clerk.pause.system": {ZH: "系统故障", EN: "System failure"},
    "clerk.pause.meeting": {ZH: "临时会议", EN: "Meeting"},
    "clerk.pause.away": {ZH: "临时离开", EN: "Away briefly"},
    "clerk.pause.other": {ZH: "其他原因（请输入）", EN: "Another reason (type it)"},
    "clerk.pause_confirm": {ZH: "确认暂停", EN: "Pause now"},
    "clerk.reason_required": {
        ZH: "请选择或输入暂停原因",
        EN: "Choose or type a reason",
    },
    "clerk.transfer_title": {ZH: "将 {number} 转至", EN: "Transfer {number} to"},
    "clerk.to_queue": {ZH: "业务队列", EN: "A queue"},
    "clerk.to_window": {ZH: "指定窗口", EN: "A window"},
    "clerk.sign_out_title": {ZH: "确定离岗吗？", EN: "Sign out?"},
    "clerk.sign_out_hint": {
        ZH: "离岗后本窗口停止叫号",
        EN: "The window stops calling tickets",
    },
    "clerk.key_hint": {ZH: "按 {key}", EN: "Press {key}"},
    # --- pages: hall call screen (综合屏) ------------------------------------------------------
    "screen.title": {ZH: "叫号信息", EN: "Now calling"},
    "screen.now_calling": {ZH: "正在呼叫", EN: "Now calling"},
    "screen.go_to": {ZH: "请到{window}办理", EN: "Please go to {window}"},
    "screen.recall": {ZH: "再次呼叫", EN: "Calling again"},
    "screen.recent": {ZH: "最近叫号", EN: "Recent calls"},
    "screen.number": {ZH: "号码", EN: "Number"},
    "screen.window": {ZH: "办理窗口", EN: "Window"},
    "screen.no_calls": {ZH: "暂无叫号，请耐心等候", EN: "No calls yet; please wait"},
    "screen.waiting": {ZH: "各业务等候人数", EN: "Waiting now"},
    "screen.people": {ZH: "{count} 人", EN: "{count}"},
    "screen.welcome": {
        ZH: "欢迎来到{hall}，请取号后留意屏幕叫号，过号请到取号机重新激活",
        EN: "Welcome to {hall}. Please watch for your number; if you miss it, reactivate your "
        "ticket at a ticket machine",
    },
    "screen.sound_off": {
        ZH: "语音播报未开启，请点击此处开启",
        EN: "Announcements are muted; tap here to turn them on",
    },
    # --- pages: window screen (窗口屏) ---------------------------------------------------------
    "window_screen.title": {ZH: "窗口屏", EN: "Window display"},
    "window_screen.called": {ZH: "请到本窗口办理", EN: "Please come to this window"},
    "window_screen.serving": {ZH: "正在办理", EN: "Now serving"},
    "window_screen.idle": {ZH: "欢迎办理，请留意叫号", EN: "Welcome; please wait to be called"},
    "window_screen.paused": {ZH: "暂停服务", EN: "Paused"},
    "window_screen.closed": {ZH: "本窗口暂停服务", EN: "This window is closed"},
    "window_screen.closed_hint": {
        ZH: "请到其他窗口办理",
        EN: "Please go to another window",
    },
    "window_screen.staff_number": {ZH: "工号 {number}", EN: "Staff No. {number}"},
    # --- pages: rating pad (好差评评价器) ------------------------------------------------------
    "pad.title": {ZH: "服务评价", EN: "Rate our service"},
    "pad.welcome": {ZH: "您好，很高兴为您服务", EN: "Hello, glad to serve you"},
    "pad.serving": {ZH: "正在为您办理：{service}", EN: "Now handling: {service}"},
    "pad.idle_hint": {
        ZH: "办理结束后，请对本次服务进行评价",
        EN: "When we are done, please rate our service",
    },
    "pad.closed": {ZH: "本窗口暂停服务", EN: "This window is closed"},
    "pad.rate_prompt": {ZH: "请对本次服务进行评价", EN: "How was our service?"},
    "pad.ticket": {ZH: "号码 {number}", EN: "Ticket {number}"},
    "pad.reasons_prompt": {
        ZH: "请选择不满意的原因（可多选）",
        EN: "What went wrong? (choose all that apply)",
    },
    "pad.reason.wait": {ZH: "等候时间长", EN: "Long wait"},
    "pad.reason.attitude": {ZH: "服务态度差", EN: "Unfriendly service"},
    "pad.reason.skill": {ZH: "业务不熟练", EN: "Staff unsure of the procedure"},
    "pad.reason.unclear": {
        ZH: "一次性告知不清",
        EN: "Requirements not explained clearly",
    },
    "pad.reason.other": {ZH: "其他", EN: "Other"},
    "pad.comment": {ZH: "意见建议（选填）", EN: "Comments (optional)"},
    "pad.choose_reason": {ZH: "请至少选择一个原因", EN: "Please choose at least one reason"},
    "pad.submit": {ZH: "提交评价", EN: "Submit"},
    "pad.thanks": {ZH: "感谢您的评价！", EN: "Thank you for your rating!"},
    "pad.thanks_low": {
        ZH: "我们将尽快回访并改进服务",
        EN: "We will contact you and improve our service",
    },
    "pad.time_left": {ZH: "{seconds} 秒后自动结束", EN: "Closes in {seconds} s"},
    # --- pages: floor manager's tablet (现场管理) ----------------------------------------------
    "tablet.title": {ZH: "现场管理", EN: "Floor manager"},
    "tablet.sign_in_title": {ZH: "值班经理登录", EN: "Floor manager sign-in"},
    "tablet.sign_in_hint": {
        ZH: "请使用值班经理的工号和密码登录",
        EN: "Sign in with a floor manager's staff number and password",
    },
    "tablet.staff": {ZH: "工号", EN: "Staff number"},
    "tablet.password": {ZH: "密码", EN: "Password"},
    "tablet.sign_in": {ZH: "登录", EN: "Sign in"},
    "tablet.sign_in_failed": {ZH: "工号或密码错误", EN: "Wrong staff number or password"},
    "tablet.not_manager": {
        ZH: "该账号不是值班经理，无权使用本设备",
        EN: "Only floor manager accounts can sign in here",
    },
    "tablet.sign_in_again": {
        ZH: "连接已中断或登录已失效，请重新登录",
        EN: "The connection was interrupted or the sign-in has ended; please sign in again",
    },
    "tablet.sign_out": {ZH: "退出", EN: "Sign out"},
    "tablet.on_duty": {ZH: "值班：{name}（{number}）", EN: "On duty: {name} ({number})"},
    "tablet.report": {ZH: "今日报表", EN: "Today's report"},
    "tablet.report_missing": {
        ZH: "今日报表暂不可用，请稍后再试",
        EN: "Today's report is not available yet; try again later",
    },
    "tablet.report_failed": {ZH: "报表打开失败，请重试", EN: "Could not open the report"},
    "tablet.report_open": {ZH: "点此打开今日报表", EN: "Tap to open today's report"},
    "tablet.notice_now": {ZH: "当前公告：{text}", EN: "Notice on screens: {text}"},
    "tablet.queues": {ZH: "各队列等候", EN: "Queues"},
    "tablet.target": {ZH: "等候目标 {minutes} 分钟", EN: "Target wait: {minutes} min"},
    "tablet.level.green": {ZH: "正常", EN: "On target"},
    "tablet.level.amber": {ZH: "接近目标", EN: "Near target"},
    "tablet.level.red": {ZH: "超出目标", EN: "Over target"},
    "tablet.waiting_people": {ZH: "人等候", EN: "waiting"},
    "tablet.longest": {ZH: "最长等候", EN: "Longest wait"},
    "tablet.expected": {ZH: "预计等候", EN: "Expected wait"},
    "tablet.service_level": {ZH: "达标率", EN: "Within target"},
    "tablet.windows_open": {ZH: "开放窗口", EN: "Windows open"},
    "tablet.minutes": {ZH: "约 {minutes} 分钟", EN: "{minutes} min"},
    "tablet.eta_soon": {ZH: "不到 1 分钟", EN: "under 1 min"},
    "tablet.eta_none": {ZH: "无窗口", EN: "no window"},
    "tablet.needed": {ZH: "建议开窗 {count} 个", EN: "Windows needed: {count}"},
    "tablet.needed_unknown": {ZH: "建议开窗：—", EN: "Windows needed: —"},
    "tablet.windows": {ZH: "窗口与人员", EN: "Windows and staff"},
    "tablet.clerk": {ZH: "{name}（{number}）", EN: "{name} ({number})"},
    "tablet.no_clerk": {ZH: "无人上岗", EN: "Nobody signed in"},
    "tablet.paused_reason": {ZH: "暂离原因：{reason}", EN: "Paused: {reason}"},
    "tablet.in_hand": {ZH: "当前号码", EN: "Ticket"},
    "tablet.open_window": {ZH: "开窗", EN: "Open"},
    "tablet.close_window": {ZH: "关窗", EN: "Close"},
    "tablet.edit_queues": {ZH: "调整业务", EN: "Queues…"},
    "tablet.close_title": {ZH: "关闭{window}？", EN: "Close {window}?"},
    "tablet.close_hint": {
        ZH: "关闭后该窗口不再叫号",
        EN: "The window will call no more tickets",
    },
    "tablet.close_hint_staffed": {
        ZH: "{name} 将离岗，该窗口不再叫号",
        EN: "{name} will be signed out and the window will call no more tickets",
    },
    "tablet.queues_title": {ZH: "{window}办理的业务", EN: "Queues served at {window}"},
    "tablet.queues_hint": {
        ZH: "勾选该窗口办理的队列；权重越大越优先",
        EN: "Tick the queues this window serves; a larger weight is preferred",
    },
    "tablet.weight": {ZH: "权重", EN: "Weight"},
    "tablet.weight_invalid": {
        ZH: "权重须大于 0 且不超过 100",
        EN: "A weight is more than 0 and at most 100",
    },
    "tablet.queues_required": {ZH: "请至少勾选一个队列", EN: "Tick at least one queue"},
    "tablet.save": {ZH: "保存", EN: "Save"},
    "tablet.tickets": {ZH: "等候号码", EN: "Waiting tickets"},
    "tablet.filter": {ZH: "按队列筛选", EN: "Filter by queue"},
    "tablet.all_queues": {ZH: "全部队列", EN: "All queues"},
    "tablet.no_tickets": {ZH: "当前无人等候", EN: "Nobody is waiting"},
    "tablet.more_tickets": {ZH: "另有 {count} 个号码未显示", EN: "{count} more not shown"},
    "tablet.waited": {ZH: "已等 {time}", EN: "Waited {time}"},
    "tablet.to_window_tag": {ZH: "指定{window}", EN: "For {window}"},
    "tablet.move": {ZH: "转移", EN: "Move"},
    "tablet.prioritise": {ZH: "优先", EN: "Prioritise"},
    "tablet.move_title": {ZH: "将 {number} 转至", EN: "Move {number} to"},
    "tablet.to_queue": {ZH: "其他队列", EN: "Another queue"},
    "tablet.to_window": {ZH: "指定窗口", EN: "One window"},
    "tablet.alerts": {ZH: "告警", EN: "Alerts"},
    "tablet.alerts_count": {ZH: "告警 {count}", EN: "Alerts: {count}"},
    "tablet.no_alerts": {ZH: "暂无告警", EN: "No alerts"},
    "tablet.severity.critical": {ZH: "严重", EN: "Critical"},
    "tablet.severity.warning": {ZH: "提醒", EN: "Warning"},
    "tablet.cleared": {ZH: "已恢复", EN: "Resolved"},
    "tablet.ack": {ZH: "确认", EN: "Acknowledge"},
    "tablet.kind.kiosk": {ZH: "取号机", EN: "ticket machine"},
    "tablet.kind.clerk": {ZH: "窗口呼叫器", EN: "clerk terminal"},
    "tablet.kind.call_screen": {ZH: "综合屏", EN: "call screen"},
    "tablet.kind.window_screen": {ZH: "窗口屏", EN: "window screen"},
    "tablet.kind.rating_pad": {ZH: "评价器", EN: "rating pad"},
    "tablet.kind.tablet": {ZH: "管理平板", EN: "tablet"},
    "tablet.broadcast": {ZH: "公告", EN: "Notice"},
    "tablet.broadcast_text": {ZH: "公告内容", EN: "Notice text"},
    "tablet.broadcast_placeholder": {
        ZH: "输入公告，将在综合屏上滚动显示",
        EN: "Type a notice for the call screens",
    },
    "tablet.broadcast_send": {ZH: "发布公告", EN: "Publish"},
    "tablet.broadcast_none": {ZH: "当前无公告", EN: "No notice on screens"},
    "tablet.chart": {ZH: "今日等候趋势", EN: "Waiting today"},
    "tablet.chart_series": {ZH: "选择队列", EN: "Choose a queue"},
    "tablet.whole_hall": {ZH: "全厅", EN: "Whole hall"},
    "tablet.chart_waiting": {ZH: "等候人数", EN: "People waiting"},
    "tablet.chart_eta": {ZH: "预计等候（分钟）", EN: "Expected wait (min)"},
    "tablet.chart_empty": {ZH: "暂无数据", EN: "No data yet"},
    "tablet.chart_summary": {
        ZH: "当前 {waiting} 人等候，预计等候{eta}",
        EN: "{waiting} waiting now, expected wait {eta}",
    },
    "tablet.done.open": {ZH: "{window}已开窗", EN: "{window} is open"},
    "tablet.done.close": {ZH: "{window}已关窗", EN: "{window} is closed"},
    "tablet.done.queues": {ZH: "{window}的业务已调整", EN: "{window} serves its new queues"},
    "tablet.done.move": {ZH: "{number} 已转至{target}", EN: "{number} moved to {target}"},
    "tablet.done.prioritise": {
        ZH: "{number} 已转入绿色通道",
        EN: "{number} is in the green channel",
    },
    "tablet.done.broadcast": {ZH: "公告已发布", EN: "The notice is on the screens"},
    "tablet.done.ack": {ZH: "告警已确认", EN: "Alert acknowledged"},
    "error.unknown_alert": {
        ZH: "该告警已不存在，请刷新",
        EN: "That alert is no longer listed",
    },
    **ALERT_MESSAGES,  # alert.<kind>: the alerts' texts (metrics/alerts.py)
    # --- pages: the front door (/) and the documentation (/docs) -------------------------------
    "home.title": {ZH: "排队叫号系统", EN: "Queueing system"},
    "home.intro": {
        ZH: "本服务器运行的大厅、各设备页面、管理页面和接口文档。",
        EN: "The halls this server runs, the device pages, the admin page and the API documents.",
    },
    "home.halls": {ZH: "本服务器上的大厅", EN: "Halls on this server"},
    "home.hall_id": {ZH: "大厅编号", EN: "Hall id"},
    "home.booking": {ZH: "网上预约页面", EN: "Booking page"},
    "home.no_hall": {
        ZH: "本服务器还没有大厅。创建大厅：",
        EN: "This server has no hall yet. Create one:",
    },
    "home.no_hall.admin": {
        ZH: "在管理页面新建大厅：",
        EN: "on the admin page:",
    },
    "home.no_hall.config": {
        ZH: "或用大厅配置文件重新启动服务器：",
        EN: "or restart the server with a hall document:",
    },
    "home.no_hall.demo": {
        ZH: "或启动演示大厅（含设备和工作人员账号）：",
        EN: "or start the demo hall (with devices and staff accounts to try):",
    },
    "home.devices": {ZH: "设备页面", EN: "Device pages"},
    "home.devices_hint": {
        ZH: "每台设备须先在管理页面配对：在设备列表中点“新配对链接”"
        "（新设备点“添加并生成配对链接”），再在该设备上打开链接。",
        EN: 'Each device is paired first on the admin page: "New pairing link" on a device of '
        'its list (or "Add" for a new one), then open the link on that device.',
    },
    "home.needs_pairing": {ZH: "需在管理页面配对", EN: "Pair it from the admin page"},
    "home.page.kiosk": {ZH: "取号机", EN: "Ticket machine"},
    "home.page.kiosk.about": {
        ZH: "群众自助取号、预约签到、过号重新激活。",
        EN: "Citizens take a ticket, check in a booking, reactivate a missed ticket.",
    },
    "home.page.clerk": {ZH: "窗口呼叫器", EN: "Clerk terminal"},
    "home.page.clerk.about": {
        ZH: "窗口工作人员登录、叫号、办理、转窗口。",
        EN: "The clerk at a window signs in, calls, serves and transfers tickets.",
    },
    "home.page.screen": {ZH: "综合屏", EN: "Hall call screen"},
    "home.page.screen.about": {
        ZH: "大厅大屏：显示并语音播报叫号、各队列等候情况。",
        EN: "The hall's big screen: shows and announces calls, and each queue's waiting.",
    },
    "home.page.window": {ZH: "窗口屏", EN: "Window screen"},
    "home.page.window.about": {
        ZH: "窗口上方的屏幕：当前号码和工作人员。",
        EN: "The screen above a window: the ticket being served and the clerk.",
    },
    "home.page.pad": {ZH: "好差评评价器", EN: "Rating pad"},
    "home.page.pad.about": {
        ZH: "窗口台面上的评价器：群众办完后评价。",
        EN: "The pad on a window's counter: citizens rate the service when done.",
    },
    "home.page.tablet": {ZH: "现场管理平板", EN: "Floor manager's tablet"},
    "home.page.tablet.about": {
        ZH: "值班长查看队列、窗口、告警，调度号码，查看日报。",
        EN: "The floor manager watches queues, windows and alerts, moves tickets, reads the "
        "report.",
    },
    "home.manage": {ZH: "管理与文档", EN: "Administration and documents"},
    "home.admin": {ZH: "管理页面", EN: "Admin page"},
    "home.admin.about": {
        ZH: "大厅配置、设备配对、工作人员账号（需管理员令牌）。",
        EN: "Hall settings, device pairing, staff accounts (needs the admin token).",
    },
    "home.docs": {ZH: "协议与接口文档", EN: "Protocol and API documents"},
    "home.docs.about": {
        ZH: "设备协议、HTTP 接口、架构、安全等说明（英文）。",
        EN: "The device protocol, the HTTP API, the architecture, security and more.",
    },
    "home.openapi": {ZH: "OpenAPI 接口描述", EN: "OpenAPI document"},
    "home.openapi.about": {
        ZH: "HTTP 接口的机器可读描述（JSON）。",
        EN: "The HTTP API, machine-readable (JSON).",
    },
    "home.signed_in": {ZH: "已以管理员身份登录", EN: "Signed in as admin"},
    "home.signed_in.open": {ZH: "进入管理页面", EN: "Open the admin page"},
    "home.sign_out": {ZH: "退出登录", EN: "Sign out"},
    "home.token_refused": {
        ZH: "链接中的管理员令牌无效，请在管理页面重新登录",
        EN: "The admin token in the link was not accepted; sign in on the admin page",
    },
    "docs.title": {ZH: "文档", EN: "Documents"},
    "docs.index": {ZH: "全部文档", EN: "All documents"},
    "docs.home": {ZH: "返回首页", EN: "Front page"},
    "docs.language_note": {
        ZH: "文档为英文。",
        EN: "The documents are in English.",
    },
    "docs.missing": {
        ZH: "本服务器未附带文档（找不到 docs 目录）。",
        EN: "This server was installed without its documents (no docs directory).",
    },
    "docs.not_found": {ZH: "没有这篇文档。", EN: "There is no such document."},
    # --- the daily report (hall report, GET /api/halls/{hall}/reports/{date}) -----------------
    "report.title": {ZH: "{hall}运行日报", EN: "{hall}: daily report"},
    "report.date": {ZH: "统计日期", EN: "Day"},
    "report.generated": {ZH: "生成时间", EN: "Generated"},
    "report.partial": {ZH: "当日数据，截至 {time}", EN: "Today so far, up to {time}"},
    "report.timezone": {ZH: "时区", EN: "Time zone"},
    "report.target": {ZH: "等候目标", EN: "Waiting target"},
    "report.minutes": {ZH: "{minutes} 分钟", EN: "{minutes} min"},
    "report.internal": {ZH: "内部资料", EN: "Internal document"},
    "report.none": {ZH: "无", EN: "None"},
    "report.no_data": {ZH: "当日无数据", EN: "Nothing recorded on this day"},
    "report.other_services": {
        ZH: "其余 {count} 个事项当日无取号",
        EN: "Services without tickets that day: {count}",
    },
    "report.section.summary": {ZH: "概览", EN: "At a glance"},
    "report.section.issued": {ZH: "各事项分时段取号量", EN: "Tickets per service and hour"},
    "report.section.profile": {ZH: "分时段等候情况", EN: "Waiting through the day"},
    "report.section.waits": {ZH: "等候时间", EN: "Waiting times"},
    "report.section.service_times": {ZH: "办理时长", EN: "Service times"},
    "report.section.windows": {ZH: "窗口", EN: "Windows"},
    "report.section.clerks": {ZH: "工作人员", EN: "Clerks"},
    "report.section.ratings": {ZH: "好差评", EN: "Ratings"},
    "report.section.no_shows": {ZH: "过号", EN: "No-shows"},
    "report.section.appointments": {ZH: "预约", EN: "Appointments"},
    "report.section.follow_ups": {ZH: "差评回访整改", EN: "Follow-up cases"},
    "report.section.definitions": {ZH: "统计口径", EN: "Definitions"},
    "report.chart.issued": {ZH: "分时段取号量（按队列）", EN: "Tickets issued per hour, by queue"},
    "report.chart.profile": {ZH: "分时段等候人数", EN: "Tickets waiting, per hour"},
    "report.chart.waits": {ZH: "各队列等候时间（分钟）", EN: "Waiting time per queue (minutes)"},
    "report.chart.windows": {ZH: "各窗口办结量", EN: "Services finished per window"},
    "report.chart.ratings": {ZH: "评价分布", EN: "Ratings by level"},
    "report.series.mean": {ZH: "平均", EN: "Mean"},
    "report.series.p50": {ZH: "中位数", EN: "Median"},
    "report.series.p90": {ZH: "90%分位", EN: "90th percentile"},
    "report.series.target": {ZH: "目标 {minutes} 分钟", EN: "Target {minutes} min"},
    "report.kind.queue": {ZH: "队列", EN: "Queue"},
    "report.kind.service": {ZH: "事项", EN: "Service"},
    "report.kind.hall": {ZH: "全厅", EN: "Whole hall"},
    "report.col.kind": {ZH: "类别", EN: "Kind"},
    "report.col.id": {ZH: "编号", EN: "ID"},
    "report.col.name": {ZH: "名称", EN: "Name"},
    "report.col.service": {ZH: "事项", EN: "Service"},
    "report.col.queue": {ZH: "队列", EN: "Queue"},
    "report.col.window": {ZH: "窗口", EN: "Window"},
    "report.col.windows": {ZH: "所在窗口", EN: "Windows"},
    "report.col.clerk": {ZH: "工作人员", EN: "Clerk"},
    "report.col.staff_number": {ZH: "工号", EN: "Staff No."},
    "report.col.hour": {ZH: "时段", EN: "Hour"},
    "report.col.total": {ZH: "合计", EN: "Total"},
    "report.col.issued": {ZH: "取号数", EN: "Issued"},
    "report.col.called": {ZH: "叫号数", EN: "Called"},
    "report.col.served": {ZH: "办结数", EN: "Finished"},
    "report.col.mean_wait": {ZH: "平均等候", EN: "Mean wait"},
    "report.col.p50_wait": {ZH: "等候中位数", EN: "Median wait"},
    "report.col.p90_wait": {ZH: "90%等候", EN: "90th pct. wait"},
    "report.col.within_target": {ZH: "目标内叫号", EN: "Called within target"},
    "report.col.service_level": {ZH: "服务达标率", EN: "Service level"},
    "report.col.mean_service": {ZH: "平均办理时长", EN: "Mean service time"},
    "report.col.p50_service": {ZH: "办理时长中位数", EN: "Median service time"},
    "report.col.p90_service": {ZH: "90%办理时长", EN: "90th pct. service time"},
    "report.col.no_shows": {ZH: "过号数", EN: "No-shows"},
    "report.col.no_show_rate": {ZH: "过号率", EN: "No-show rate"},
    "report.col.ratings": {ZH: "评价数", EN: "Ratings"},
    "report.col.good_ratings": {ZH: "好评数", EN: "Good ratings"},
    "report.col.good_rate": {ZH: "好评率", EN: "Good-rating rate"},
    "report.col.active_rate": {ZH: "主动评价率", EN: "Active-rating rate"},
    "report.col.signed_in": {ZH: "在岗时长", EN: "Signed in"},
    "report.col.waiting_mean": {ZH: "平均等候人数", EN: "Mean waiting"},
    "report.col.waiting_peak": {ZH: "最多等候人数", EN: "Most waiting"},
    "report.col.booked": {ZH: "预约数", EN: "Booked"},
    "report.col.kept": {ZH: "已签到", EN: "Checked in"},
    "report.col.late": {ZH: "迟到签到", EN: "Late check-ins"},
    "report.col.missed": {ZH: "爽约", EN: "Missed"},
    "report.col.cancelled": {ZH: "已取消", EN: "Cancelled"},
    "report.col.pending": {ZH: "待签到", EN: "Not yet due"},
    "report.col.case": {ZH: "案件编号", EN: "Case"},
    "report.col.number": {ZH: "号码", EN: "Ticket"},
    "report.col.score": {ZH: "评分", EN: "Score"},
    "report.col.level": {ZH: "评价等级", EN: "Level"},
    "report.col.count": {ZH: "数量", EN: "Count"},
    "report.col.opened_at": {ZH: "开单时间", EN: "Opened"},
    "report.col.deadline": {ZH: "办理期限", EN: "Due"},
    "report.col.status": {ZH: "状态", EN: "Status"},
    "report.col.overdue": {ZH: "是否逾期", EN: "Overdue"},
    "report.col.figure": {ZH: "指标", EN: "Figure"},
    "report.col.value": {ZH: "数值", EN: "Value"},
    "report.col.seconds": {ZH: "{label}（秒）", EN: "{label} (s)"},
    "report.kpi.issued": {ZH: "取号", EN: "Tickets issued"},
    "report.kpi.served": {ZH: "办结", EN: "Services finished"},
    "report.kpi.mean_wait": {ZH: "平均等候", EN: "Mean wait"},
    "report.kpi.service_level": {ZH: "{minutes} 分钟内叫号", EN: "Called within {minutes} min"},
    "report.kpi.no_show_rate": {ZH: "过号率", EN: "No-show rate"},
    "report.kpi.good_rate": {ZH: "好评率", EN: "Good-rating rate"},
    "report.kpi.active_rate": {ZH: "主动评价率", EN: "Active-rating rate"},
    "report.kpi.follow_ups": {ZH: "差评回访", EN: "Follow-up cases"},
    "report.kpi.peak_waiting": {ZH: "最多同时等候", EN: "Most waiting at once"},
    "report.kpi.peak_at": {ZH: "最多等候时刻", EN: "Most waiting at"},
    "report.kpi.appointments_kept": {ZH: "预约签到", EN: "Appointments kept"},
    "report.kpi.of": {ZH: "{part} / {whole}", EN: "{part} of {whole}"},
    "report.duration.s": {ZH: "{s} 秒", EN: "{s} s"},
    "report.duration.ms": {ZH: "{m} 分 {s} 秒", EN: "{m} min {s} s"},
    "report.duration.hm": {ZH: "{h} 小时 {m} 分", EN: "{h} h {m} min"},
    "report.status.open": {ZH: "待回访", EN: "Open"},
    "report.status.closed": {ZH: "已办结", EN: "Closed"},
    "report.status.overdue": {ZH: "已逾期", EN: "Overdue"},
    "report.list_separator": {ZH: "、", EN: ", "},
    "report.yes": {ZH: "是", EN: "Yes"},
    "report.no": {ZH: "否", EN: "No"},
    "report.def.day": {
        ZH: "统计日为大厅所在时区（{zone}）的自然日，从当日 0:00 至次日 0:00。",
        EN: "The day is the hall's calendar day in its time zone ({zone}), from midnight to "
        "midnight.",
    },
    "report.def.wait": {
        ZH: "等候时间：从取号（或转移、一件事转入下一环节、过号重新激活后重新排队）到该次首次叫号，"
        "计入叫号时所在队列；重呼不重新计算。",
        EN: "Wait: from taking the ticket (or re-queueing after a transfer, a bundle's next step "
        "or a reactivation) to its first call, counted for the queue it was called from; "
        "recalls are not new waits.",
    },
    "report.def.service": {
        ZH: "办理时长：从开始办理（未按“开始办理”则从叫号）到办结，"
        "计入办理所在队列、窗口和在岗人员。",
        EN: "Service time: from start (or from the call if start was not pressed) to finish, "
        "counted for the queue, window and clerk that served it.",
    },
    "report.def.service_level": {
        ZH: "服务达标率：等候不超过目标时间的叫号数 / 叫号数。中位数、90%分位按最近秩法取实际值。",
        EN: "Service level: calls that waited at most the target / calls. Medians and 90th "
        "percentiles are nearest-rank values of the actual waits.",
    },
    "report.def.rates": {
        ZH: "好评率 = 满意及非常满意（4-5分）评价数 / 评价数；主动评价率 = 评价数 / 办结数；"
        "过号率 = 过号数 / 叫号数。",
        EN: "Good-rating rate = ratings of 4-5 / ratings; active-rating rate = ratings / "
        "services finished; no-show rate = no-shows / calls.",
    },
    "report.def.waiting": {
        ZH: "平均等候人数：该时段内等候人数按时间平均；最多等候人数：该时段内同时等候人数的最大值。"
        "时长格式为 分:秒。",
        EN: "Mean waiting: tickets waiting, averaged over the hour; most waiting: the most "
        "waiting at one moment. Durations are minutes:seconds.",
    },
    "report.def.appointments": {
        ZH: "预约按预约时段所在日统计；迟到签到按普通号办理。",
        EN: "Appointments count on the day of their slot; late check-ins are served as walk-ins.",
    },
    "report.def.privacy": {
        ZH: "本报告不含群众姓名、电话、预约码和评价留言。",
        EN: "No citizen names, phone numbers, booking codes or rating comments are included.",
    },
    # --- pages: the admin page (/admin, 管理后台) ----------------------------------------------
    "admin.title": {ZH: "管理后台", EN: "Administration"},
    "admin.hall_pick": {ZH: "选择大厅", EN: "Choose a hall"},
    "admin.new_hall": {ZH: "＋ 新建大厅", EN: "+ New hall"},
    "admin.sign_out": {ZH: "退出", EN: "Sign out"},
    "admin.sign_in_title": {ZH: "管理员登录", EN: "Administrator sign-in"},
    "admin.sign_in_hint": {
        ZH: "请输入服务器的管理令牌（服务器启动时显示，或为 HALL_ADMIN_TOKEN 的值）。",
        EN: "Enter the server's admin token (printed when the server starts, "
        "or the value of HALL_ADMIN_TOKEN).",
    },
    "admin.token": {ZH: "管理令牌", EN: "Admin token"},
    "admin.sign_in": {ZH: "登录", EN: "Sign in"},
    "admin.sign_in_wrong": {
        ZH: "管理令牌不正确，请核对后重试",
        EN: "That admin token is not right; check it and try again",
    },
    "admin.signed_out": {
        ZH: "管理令牌已失效（可能已更换），请重新登录",
        EN: "The admin token no longer works (it may have been changed); please sign in again",
    },
    "admin.sections": {ZH: "管理项目", EN: "Sections"},
    "admin.tab.hall": {ZH: "大厅设置", EN: "Hall setup"},
    "admin.tab.devices": {ZH: "设备", EN: "Devices"},
    "admin.tab.staff": {ZH: "工作人员", EN: "Staff"},
    "admin.add": {ZH: "添加", EN: "Add"},
    "admin.save": {ZH: "保存", EN: "Save"},
    "admin.refresh": {ZH: "刷新", EN: "Refresh"},
    "admin.export": {ZH: "导出文件", EN: "Export file"},
    "admin.import": {ZH: "导入文件", EN: "Import file"},
    "admin.imported": {
        ZH: "已从 {file} 填入表单，请检查后保存",
        EN: "The form was filled from {file}; check it, then save",
    },
    "admin.import_bad": {
        ZH: "{file} 不是大厅配置文件（JSON 对象）",
        EN: "{file} is not a hall document (a JSON object)",
    },
    # creating a hall
    "admin.create_title": {ZH: "新建大厅", EN: "New hall"},
    "admin.create_first": {
        ZH: "本服务器还没有大厅。填写大厅编号和名称，再完善队列、事项和窗口后保存。",
        EN: "This server has no hall yet. Give the hall an id and a name, then set up its "
        "queues, services and windows and save.",
    },
    "admin.create_hint": {
        ZH: "填写新大厅的编号和名称，再完善队列、事项和窗口后保存。",
        EN: "Give the new hall an id and a name, then set up its queues, services and "
        "windows and save.",
    },
    "admin.create_next": {ZH: "下一步", EN: "Next"},
    "admin.starter.queue": {ZH: "综合受理", EN: "General services"},
    "admin.starter.service": {ZH: "综合业务", EN: "General business"},
    # the hall document
    "admin.hall.basics": {ZH: "基本信息", EN: "Basics"},
    "admin.hall.new_note": {
        ZH: "新大厅：保存后才会创建，然后即可添加设备和工作人员。",
        EN: "A new hall: it is created when you save; then you can add devices and staff.",
    },
    "admin.hall.id": {ZH: "大厅编号", EN: "Hall id"},
    "admin.hall.id_placeholder": {ZH: "例如 gaoxin", EN: "e.g. riverside"},
    "admin.hall.id_hint": {
        ZH: "1 至 32 位字母、数字、- 或 _，创建后不能更改",
        EN: "1 to 32 letters, digits, - or _; it cannot change later",
    },
    "admin.hall.id_taken": {
        ZH: "已有编号为 {id} 的大厅",
        EN: "There is a hall with the id {id} already",
    },
    "admin.hall.name": {ZH: "大厅名称", EN: "Hall name"},
    "admin.hall.name_placeholder": {
        ZH: "例如 高新区政务服务中心",
        EN: "e.g. Riverside Government Service Centre",
    },
    "admin.hall.name_required": {ZH: "请填写大厅名称", EN: "Give the hall a name"},
    "admin.hall.timezone": {ZH: "时区", EN: "Time zone"},
    "admin.hall.timezone_hint": {
        ZH: "IANA 时区，中国大陆为 Asia/Shanghai",
        EN: "An IANA time zone; Asia/Shanghai for mainland China",
    },
    "admin.hall.saved": {ZH: "{name} 的设置已保存", EN: "The setup of {name} is saved"},
    "admin.hall.created": {ZH: "大厅 {name} 已创建", EN: "The hall {name} is created"},
    "admin.hall.problems": {
        ZH: "未保存：有 {count} 处问题，已在相应栏目旁标出",
        EN: "Not saved: {count} problems, each shown next to its field",
    },
    "admin.field.id": {ZH: "编号", EN: "Id"},
    "admin.field.name": {ZH: "名称", EN: "Name"},
    # opening hours
    "admin.hours.title": {ZH: "营业时间", EN: "Opening hours"},
    "admin.hours.open": {ZH: "开始取号", EN: "Tickets from"},
    "admin.hours.close": {ZH: "停止取号", EN: "Tickets until"},
    "admin.hours.close_hint": {
        ZH: "时:分，如 17:30；全天为 00:00 至 24:00",
        EN: "HH:MM, e.g. 17:30; all day is 00:00 to 24:00",
    },
    "admin.hours.weekdays": {ZH: "每周开放日", EN: "Open on"},
    "admin.weekday.1": {ZH: "周一", EN: "Mon"},
    "admin.weekday.2": {ZH: "周二", EN: "Tue"},
    "admin.weekday.3": {ZH: "周三", EN: "Wed"},
    "admin.weekday.4": {ZH: "周四", EN: "Thu"},
    "admin.weekday.5": {ZH: "周五", EN: "Fri"},
    "admin.weekday.6": {ZH: "周六", EN: "Sat"},
    "admin.weekday.7": {ZH: "周日", EN: "Sun"},
    "admin.hours.holidays": {ZH: "节假日（闭厅）", EN: "Holidays (closed)"},
    "admin.hours.holidays_hint": {
        ZH: "开放日中不营业的日期，如法定节假日",
        EN: "Dates the hall is closed although they fall on an open day",
    },
    "admin.hours.workdays": {ZH: "调休上班日", EN: "Swapped workdays (调休)"},
    "admin.hours.workdays_hint": {
        ZH: "非开放日中照常营业的日期，如调休的周末",
        EN: "Dates the hall opens although they fall on a closed day, e.g. a swapped weekend",
    },
    "admin.remove_date": {ZH: "删除 {date}", EN: "Remove {date}"},
    # queues, services, windows
    "admin.queues.title": {ZH: "队列", EN: "Queues"},
    "admin.queues.hint": {
        ZH: "每个队列有自己的号码前缀（一至两个大写字母）和预计办理时长（分钟）。",
        EN: "Each queue has its own number prefix (one or two capital letters) and an "
        "expected service time in minutes.",
    },
    "admin.queues.add": {ZH: "＋ 添加队列", EN: "+ Add a queue"},
    "admin.queues.remove": {ZH: "删除队列", EN: "Remove queue"},
    "admin.queues.prefix": {ZH: "号码前缀", EN: "Prefix"},
    "admin.queues.minutes": {ZH: "预计办理（分钟）", EN: "Expected minutes"},
    "admin.services.title": {ZH: "事项", EN: "Services"},
    "admin.services.hint": {
        ZH: "群众在取号机和预约页面上选择的事项；一件事一次办可依次经过多个队列。",
        EN: "What citizens choose at the kiosk and on the booking page; a bundle "
        "(一件事一次办) goes through several queues in turn.",
    },
    "admin.services.add": {ZH: "＋ 添加事项", EN: "+ Add a service"},
    "admin.services.remove": {ZH: "删除事项", EN: "Remove service"},
    "admin.services.steps": {ZH: "办理队列", EN: "Queue"},
    "admin.services.steps_hint": {
        ZH: "一件事一次办：按办理顺序添加多个环节",
        EN: "For a bundle, add its steps in order",
    },
    "admin.services.pick_queue": {ZH: "（请选择队列）", EN: "(choose a queue)"},
    "admin.services.unknown_queue": {ZH: "{id}（无此队列）", EN: "{id} (no such queue)"},
    "admin.services.add_step": {ZH: "＋ 环节", EN: "+ Step"},
    "admin.services.remove_step": {ZH: "删除此环节", EN: "Remove this step"},
    "admin.services.category": {ZH: "分类", EN: "Category"},
    "admin.services.bookable": {ZH: "网上预约", EN: "Booking"},
    "admin.services.bookable_yes": {ZH: "可预约", EN: "Bookable"},
    "admin.services.capacity": {ZH: "每时段预约名额", EN: "Bookings per slot"},
    "admin.services.capacity_hint": {ZH: "0 至 1000", EN: "0 to 1000"},
    "admin.windows.title": {ZH: "窗口", EN: "Windows"},
    "admin.windows.hint": {
        ZH: "勾选每个窗口办理的队列；权重越大越优先叫该队列的号。每个队列至少要有一个窗口办理。",
        EN: "Tick the queues each window serves; a larger weight calls that queue sooner. "
        "Every queue needs a window.",
    },
    "admin.windows.add": {ZH: "＋ 添加窗口", EN: "+ Add a window"},
    "admin.windows.remove": {ZH: "删除窗口", EN: "Remove window"},
    "admin.windows.queues": {ZH: "办理的队列及权重", EN: "Queues served, and their weights"},
    "admin.windows.queues_hint": {ZH: "权重 0.01 至 100", EN: "Weights 0.01 to 100"},
    "admin.windows.weight": {ZH: "权重", EN: "Weight"},
    "admin.windows.weight_of": {ZH: "{queue} 的权重", EN: "Weight of {queue}"},
    "admin.windows.default_name": {ZH: "{n}号窗口", EN: "Window {n}"},
    # rules
    "admin.rules.title": {ZH: "叫号与预约规则", EN: "Calling and booking rules"},
    "admin.rules.hint": {
        ZH: "留空即使用默认值。",
        EN: "Leave a field empty for its default.",
    },
    "admin.rules.range": {
        ZH: "（{min}–{max}，默认 {fallback}）",
        EN: "({min}–{max}, default {fallback})",
    },
    "admin.rule.routing": {ZH: "叫号方式", EN: "Calling order"},
    "admin.rule.routing.weighted": {
        ZH: "按权重和等候时间",
        EN: "By weight and time waited",
    },
    "admin.rule.routing.strict": {ZH: "严格按队列顺序", EN: "Strictly by queue order"},
    "admin.rule_hint.routing": {
        ZH: "严格：窗口按所列队列的顺序叫号",
        EN: "Strict: a window calls its queues in the order listed",
    },
    "admin.rule.priority_cap": {ZH: "连续优先叫号上限", EN: "Priority calls in a row"},
    "admin.rule_hint.priority_cap": {
        ZH: "之后须叫一个普通号",
        EN: "then a walk-in must be called",
    },
    "admin.rule.max_wait_minutes": {ZH: "最长等候（分钟）", EN: "Longest wait (minutes)"},
    "admin.rule_hint.max_wait_minutes": {
        ZH: "超过即优先叫号",
        EN: "a ticket waiting longer is called first",
    },
    "admin.rule.max_recalls": {ZH: "重呼次数", EN: "Recalls"},
    "admin.rule_hint.max_recalls": {ZH: "每次叫号可重呼的次数", EN: "per call"},
    "admin.rule.reactivate_minutes": {
        ZH: "过号可激活时限（分钟）",
        EN: "Missed ticket reactivation (minutes)",
    },
    "admin.rule_hint.reactivate_minutes": {
        ZH: "过号后多久内可重新激活",
        EN: "how long a missed ticket can be reactivated",
    },
    "admin.rule.reactivate_places": {ZH: "激活后插入位置", EN: "Reactivated ticket's place"},
    "admin.rule_hint.reactivate_places": {
        ZH: "距队首的位置",
        EN: "places from the front",
    },
    "admin.rule.slot_minutes": {ZH: "预约时段（分钟）", EN: "Booking slot (minutes)"},
    "admin.rule_hint.slot_minutes": {ZH: "每个预约时段的长度", EN: "the length of a slot"},
    "admin.rule.check_in_early_minutes": {
        ZH: "提前签到（分钟）",
        EN: "Check-in opens (minutes before)",
    },
    "admin.rule_hint.check_in_early_minutes": {
        ZH: "时段开始前多久可签到",
        EN: "before the slot starts",
    },
    "admin.rule.check_in_late_minutes": {
        ZH: "迟到签到（分钟）",
        EN: "Late check-in (minutes after)",
    },
    "admin.rule_hint.check_in_late_minutes": {
        ZH: "更晚签到按普通号办理",
        EN: "later, a check-in gets a walk-in ticket",
    },
    "admin.rule.booking_days_ahead": {ZH: "可预约天数", EN: "Booking days ahead"},
    "admin.rule_hint.booking_days_ahead": {
        ZH: "最多提前几天预约",
        EN: "how far ahead slots can be booked",
    },
    "admin.rule.no_show_limit": {ZH: "爽约次数上限", EN: "Missed appointments limit"},
    "admin.rule_hint.no_show_limit": {
        ZH: "达到后限制预约",
        EN: "then booking is restricted",
    },
    "admin.rule.rating_timeout_seconds": {ZH: "评价等待（秒）", EN: "Rating wait (seconds)"},
    "admin.rule_hint.rating_timeout_seconds": {
        ZH: "评价器等待评价的时长",
        EN: "how long a rating pad waits for a rating",
    },
    "admin.rule.follow_up_days": {ZH: "差评回访期限（天）", EN: "Follow-up deadline (days)"},
    "admin.rule_hint.follow_up_days": {
        ZH: "差评须在此期限内回访",
        EN: "for a low rating's follow-up",
    },
    "admin.rule.service_target_minutes": {
        ZH: "等候目标（分钟）",
        EN: "Waiting target (minutes)",
    },
    "admin.rule_hint.service_target_minutes": {
        ZH: "现场管理页面据此提示",
        EN: "the floor manager's tablet warns past it",
    },
    "admin.rule.announce_repeat": {ZH: "语音播报次数", EN: "Announcements per call"},
    "admin.rule_hint.announce_repeat": {
        ZH: "综合屏每次叫号的播报遍数",
        EN: "how often call screens speak a call",
    },
    "admin.rule.tablet_requires_manager": {
        ZH: "现场管理须值班经理登录",
        EN: "Tablets need a floor manager signed in",
    },
    "admin.rule_hint.tablet_requires_manager": {
        ZH: "开窗、关窗、转移等操作须值班经理登录后进行",
        EN: "to open or close windows, move tickets and the like",
    },
    # devices
    "admin.kind.kiosk": {ZH: "取号机", EN: "Ticket machine"},
    "admin.kind.clerk": {ZH: "窗口呼叫器", EN: "Clerk terminal"},
    "admin.kind.call_screen": {ZH: "综合屏", EN: "Call screen"},
    "admin.kind.window_screen": {ZH: "窗口屏", EN: "Window screen"},
    "admin.kind.rating_pad": {ZH: "评价器", EN: "Rating pad"},
    "admin.kind.tablet": {ZH: "现场管理平板", EN: "Floor manager's tablet"},
    "admin.devices.add_title": {ZH: "添加设备", EN: "Add a device"},
    "admin.devices.kind": {ZH: "设备类型", EN: "Kind"},
    "admin.devices.window": {ZH: "所在窗口", EN: "Window"},
    "admin.devices.name": {ZH: "设备名称", EN: "Device name"},
    "admin.devices.name_placeholder": {
        ZH: "可选，如 大厅东侧取号机",
        EN: "Optional, e.g. kiosk by the east door",
    },
    "admin.devices.add": {ZH: "添加并生成配对链接", EN: "Add, and make its pairing link"},
    "admin.devices.title": {ZH: "已配对设备", EN: "Paired devices"},
    "admin.devices.count": {
        ZH: "共 {count} 台，{online} 台在线",
        EN: "Devices: {count}, online: {online}",
    },
    "admin.devices.none": {
        ZH: "还没有配对的设备",
        EN: "No device is paired yet",
    },
    "admin.devices.online": {ZH: "在线", EN: "Online"},
    "admin.devices.offline": {ZH: "离线", EN: "Offline"},
    "admin.devices.never": {ZH: "从未连接", EN: "Never connected"},
    "admin.devices.last_seen": {ZH: "最近在线 {time}", EN: "Last seen {time}"},
    "admin.devices.rename": {ZH: "改名", EN: "Rename"},
    "admin.devices.renamed": {ZH: "已改名为 {name}", EN: "Renamed to {name}"},
    "admin.devices.relink": {ZH: "新配对链接", EN: "New pairing link"},
    "admin.devices.relink_title": {
        ZH: "为 {name} 生成新的配对链接？",
        EN: "A new pairing link for {name}?",
    },
    "admin.devices.relink_text": {
        ZH: "原配对链接将立即失效，设备上已打开的页面会解除配对，需用新链接重新配对。",
        EN: "The old pairing link stops working at once and the device's open pages are "
        "unpaired; pair it again with the new link.",
    },
    "admin.devices.revoke": {ZH: "解除配对", EN: "Unpair"},
    "admin.devices.revoke_title": {ZH: "解除 {name} 的配对？", EN: "Unpair {name}?"},
    "admin.devices.revoke_text": {
        ZH: "该设备将立即停用，页面断开连接。如需再用，请重新添加设备。",
        EN: "The device stops working at once and its pages disconnect. To use it again, "
        "add it again.",
    },
    "admin.devices.revoked": {ZH: "{name} 已解除配对", EN: "{name} is unpaired"},
    "admin.pairing.title": {ZH: "{kind}：{name}", EN: "{kind}: {name}"},
    "admin.pairing.hint": {
        ZH: "用设备的摄像头或手机扫描二维码，或在设备的浏览器中打开下面的链接，即完成配对。",
        EN: "Scan the QR code with the device's camera or a phone, or open the link below in "
        "the device's browser: that pairs it.",
    },
    "admin.pairing.qr": {ZH: "配对链接二维码", EN: "QR code of the pairing link"},
    "admin.pairing.link": {ZH: "配对链接", EN: "Pairing link"},
    "admin.pairing.once": {
        ZH: "此链接只显示一次，持有者即可作为该设备使用，请勿外传。",
        EN: "This link is shown once only. Whoever has it can act as this device: keep it "
        "to yourself.",
    },
    "admin.pairing.copy": {ZH: "复制链接", EN: "Copy link"},
    "admin.pairing.copied": {ZH: "链接已复制", EN: "Link copied"},
    "admin.pairing.done": {ZH: "完成", EN: "Done"},
    # staff
    "admin.role.clerk": {ZH: "窗口人员", EN: "Clerk"},
    "admin.role.manager": {ZH: "值班经理", EN: "Floor manager"},
    "admin.staff.add_title": {ZH: "添加工作人员", EN: "Add a staff member"},
    "admin.staff.number": {ZH: "工号", EN: "Staff number"},
    "admin.staff.number_of": {ZH: "工号 {number}", EN: "Staff No. {number}"},
    "admin.staff.name": {ZH: "姓名（屏幕显示）", EN: "Name (as screens show it)"},
    "admin.staff.role": {ZH: "角色", EN: "Role"},
    "admin.staff.password": {ZH: "初始密码", EN: "Password"},
    "admin.staff.new_password": {ZH: "新密码", EN: "New password"},
    "admin.staff.password_hint": {ZH: "至少 6 位", EN: "At least 6 characters"},
    "admin.staff.photo": {ZH: "照片", EN: "Photo"},
    "admin.staff.photo_choose": {ZH: "选择图片", EN: "Choose a picture"},
    "admin.staff.photo_remove": {ZH: "不用照片", EN: "No photo"},
    "admin.staff.photo_bad": {
        ZH: "{file} 不是可用的图片",
        EN: "{file} is not a picture that can be used",
    },
    "admin.staff.add": {ZH: "添加", EN: "Add"},
    "admin.staff.added": {
        ZH: "已添加 {name}（工号 {number}）",
        EN: "{name} (staff No. {number}) is added",
    },
    "admin.staff.title": {ZH: "工作人员", EN: "Staff"},
    "admin.staff.count": {
        ZH: "共 {count} 人，{active} 人在用",
        EN: "Accounts: {count}, active: {active}",
    },
    "admin.staff.none": {ZH: "还没有工作人员账号", EN: "No staff account yet"},
    "admin.staff.active": {ZH: "在用", EN: "Active"},
    "admin.staff.inactive": {ZH: "已停用", EN: "Deactivated"},
    "admin.staff.edit": {ZH: "编辑", EN: "Edit"},
    "admin.staff.edit_title": {
        ZH: "编辑 {name}（工号 {number}）",
        EN: "Edit {name} (staff No. {number})",
    },
    "admin.staff.saved": {ZH: "{name} 的信息已保存", EN: "{name} is saved"},
    "admin.staff.reset_password": {ZH: "重置密码", EN: "Reset password"},
    "admin.staff.password_title": {
        ZH: "为 {name}（工号 {number}）设置新密码",
        EN: "A new password for {name} (staff No. {number})",
    },
    "admin.staff.password_saved": {
        ZH: "{name} 的密码已重置",
        EN: "The password of {name} is reset",
    },
    "admin.staff.deactivate": {ZH: "停用", EN: "Deactivate"},
    "admin.staff.deactivate_title": {ZH: "停用 {name} 的账号？", EN: "Deactivate {name}?"},
    "admin.staff.deactivate_text": {
        ZH: "停用后不能登录；如正在窗口上岗，将立即被签退。",
        EN: "The account can no longer sign in, and is signed out of any window at once.",
    },
    "admin.staff.deactivated": {ZH: "{name} 已停用", EN: "{name} is deactivated"},
    "admin.staff.activate": {ZH: "启用", EN: "Reactivate"},
    "admin.staff.activated": {ZH: "{name} 已启用", EN: "{name} is active again"},
    "admin.staff.delete": {ZH: "删除", EN: "Delete"},
    "admin.staff.delete_title": {ZH: "删除 {name} 的账号？", EN: "Delete the account of {name}?"},
    "admin.staff.delete_text": {
        ZH: "账号将被删除，如正在窗口上岗，将立即被签退。历史记录保留。",
        EN: "The account is deleted and signed out of any window at once; the records stay.",
    },
    "admin.staff.deleted": {ZH: "{name} 的账号已删除", EN: "The account of {name} is deleted"},
}


def resolve_language(lang: str | None) -> str:
    """The table's language for a tag: "en-US" -> "en", "zh"/"zh-Hans" -> "zh-CN"."""
    if not lang:
        return DEFAULT_LANGUAGE
    primary = lang.replace("_", "-").split("-")[0].lower()
    return EN if primary == "en" else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The text for `key` in `lang` (zh-CN where the table lacks it). Raises KeyError for an
    unknown key: a missing string is a bug, not something to show."""
    entry = TABLE[key]
    text = entry.get(resolve_language(lang), entry[DEFAULT_LANGUAGE])
    return text.format(**params) if params else text


def explain(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A plain-language explanation of an error code, for citizens and clerks."""
    key = f"error.{code}"
    return t(key if key in TABLE else "error.unknown", lang)


def rating_label(score: int, lang: str = DEFAULT_LANGUAGE) -> str:
    return t(f"rating.{score}", lang)


def window_status_label(status: str, lang: str = DEFAULT_LANGUAGE) -> str:
    return t(f"window.status.{status}", lang)
