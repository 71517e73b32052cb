/* SPDX-License-Identifier: MIT */
#pragma once

#ifndef HSOS_VERSION
#define HSOS_VERSION "0.1.0"
#endif
